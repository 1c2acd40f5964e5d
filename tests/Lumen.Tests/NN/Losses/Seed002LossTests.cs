using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Losses;

/// <summary>Seed 002's loss snippets, line for line, with the numbers PyTorch prints under the same seed
/// (Lumen's generator is bit-exact with PyTorch's, so the inputs themselves match too).</summary>
[Collection("GlobalRng")]
public class Seed002LossTests
{
    [Fact]
    public void Seed002_MSELoss_snippet_runs_and_matches_PyTorch()
    {
        Torch.ManualSeed(0);
        var loss = new MSELoss();
        var input = Torch.Randn(new[] { 2, 6 }).RequiresGrad_();
        var target = Torch.Randn(2, 6);
        var output = loss.Call(input, target);
        output.Backward();

        var c = Fixtures.Case("loss", "seed002_mse");
        TensorAssert.Close(c.Tensor("input"), input, 1e-6, "input");
        TensorAssert.Close(c.Tensor("target"), target, 1e-6, "target");
        TensorAssert.Close(c.Tensor("out"), output, 1e-5, "loss");
        TensorAssert.Close(c.Tensor("grad"), input.Grad!, 1e-5, "input.grad");
        Assert.Equal("MseLossBackward0", output.GradFn!.Name);
    }

    [Fact]
    public void Seed002_CrossEntropyLoss_snippet_runs_and_matches_PyTorch()
    {
        Torch.ManualSeed(0);
        var loss = new CrossEntropyLoss();
        var input = Torch.Randn(new[] { 2, 6 }).RequiresGrad_();
        var target = Torch.Empty(new[] { 2 }, DType.Int64).Random_(6);
        var output = loss.Call(input, target);
        output.Backward();

        var c = Fixtures.Case("loss", "seed002_ce");
        TensorAssert.Close(c.Tensor("input"), input, 1e-6, "input");
        TensorAssert.Equal(c.Tensor("target"), target, "target");
        TensorAssert.Close(c.Tensor("out"), output, 1e-5, "loss");
        TensorAssert.Close(c.Tensor("grad"), input.Grad!, 1e-5, "input.grad");
        Assert.Equal("NllLossBackward0", output.GradFn!.Name);
    }
}
