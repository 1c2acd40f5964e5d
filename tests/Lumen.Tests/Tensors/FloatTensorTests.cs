using Xunit;

namespace Lumen.Tests.Tensors;

/// <summary><c>torch.tensor([1, 2, 3])</c> infers int64; the class constructor <c>torch.Tensor([1, 2, 3])</c> (and
/// <c>torch.FloatTensor</c>) always gives float32. Lumen: <c>Torch.Tensor</c> and <c>Torch.FloatTensor</c>.</summary>
public class FloatTensorTests
{
    [Fact]
    public void Int_literals_give_int64_through_Tensor_and_float32_through_FloatTensor()
    {
        Assert.Equal(DType.Int64, Torch.Tensor(new[] { 1, 2, 3 }).DType);
        var f = Torch.FloatTensor(new[] { 1, 2, 3 });
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal("tensor([1., 2., 3.])", f.ToString());
        var m = Torch.FloatTensor(new long[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        Assert.Equal(new Shape(2, 2), m.Shape);
        Assert.True(m.RequiresGrad);
        Assert.Equal(new float[] { 0.5f, 1 }, Torch.FloatTensor(new[] { 0.5, 1.0 }).ToArray<float>());
    }
}
