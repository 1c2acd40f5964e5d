using Xunit;
using Lumen.Cli.Models;
using Lumen.Vision.Models;
using Lumen.NN;
using Lumen.Tests;

namespace Lumen.Cli.Tests;

/// <summary>The zoo's models are PyTorch's, module for module: same repr, parameter names and count, the same initial
/// weights after the same seed, and the same outputs (fixtures from tests/Fixtures/gen_cli_models.py).</summary>
public sealed class ModelZooTests
{
    [Theory]
    [InlineData("mnist_cnn")]
    [InlineData("simple_cnn")]
    [InlineData("tiny_conv")]
    public void Zoo_model_matches_PyTorch_repr_initial_weights_and_outputs(string name)
    {
        var fx = Fixtures.Case("cli_models", name);
        Torch.ManualSeed(0);
        Module model = name switch
        {
            "mnist_cnn" => new MnistCNN(),
            "simple_cnn" => new SimpleCNN(),
            _ => new TinyConv(),
        };
        Assert.Equal(fx.Str("repr"), model.ToString());
        Assert.Equal(fx.Int("total"), (int)model.NumParameters());
        var names = fx.Raw("names").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(names, model.NamedParameters().Select(p => p.Name).ToArray());
        foreach (var (n, p) in model.NamedParameters())
        {
            Close(fx.Tensor("first." + n), Torch.FromArray(p.ToArray<float>().Take(4).ToArray(), Math.Min(4, p.Numel())), 0, n);
            Close(fx.Tensor("sum." + n), Torch.Scalar((float)p.ToArray<float>().Sum(v => (double)v)), 1e-5, n);
        }
        model.Eval();
        using (Lumen.Autograd.Autograd.NoGrad())
            Close(fx.Tensor("y"), model.Call(fx.Tensor("x")), 1e-5);
    }

    /// <summary>The project's bar: |expected − actual| ≤ tol × max(1, |expected|), shapes equal.</summary>
    private static void Close(Tensor expected, Tensor actual, double tol, string what = "")
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]}, got {a[i]}");
    }
}
