using Xunit;

namespace Lumen.Tests.Tensors;

public class TorchFunctionTests
{
    [Fact]
    public void Seed002_prediction_count_reads_like_the_tutorial()
    {
        // _, preds = torch.max(outputs.data, 1); running_corrects += torch.sum(preds == labels.data)
        var outputs = Torch.Tensor(new float[,] { { 0.1f, 2f, -1f }, { 3f, 0f, 1f }, { 0f, 0f, 5f } }, requiresGrad: true) * 1f;
        var labels = Torch.Tensor(new long[] { 1, 2, 2 });
        var (_, preds) = Torch.Max(outputs.Data, 1);
        var correct = Torch.Sum(preds.Eq(labels.Data));
        Assert.Equal(2L, correct.Item<long>());
        Assert.False(outputs.Data.RequiresGrad);
    }

    [Fact]
    public void Function_forms_equal_the_methods()
    {
        var x = Torch.Tensor(new float[,] { { -1, 2 }, { 3, -4 } });
        Assert.True(Torch.Equal(x.Tanh(), Torch.Tanh(x)));
        Assert.True(Torch.Equal(x.Flatten(), Torch.Flatten(x)));
        Assert.True(Torch.Equal(x.Softmax(1), Torch.Softmax(x, 1)));
        Assert.True(Torch.Equal(x.Matmul(x), Torch.Matmul(x, x)));
        Assert.Equal(4, Torch.Numel(x));
    }
}
