namespace Lumen;

public static partial class Torch
{
    /// <summary>A float32 tensor from an array of any numeric type, shaped like the array: the twin of PyTorch's class
    /// constructor <c>torch.Tensor([1, 2, 3])</c> / <c>torch.FloatTensor(...)</c>, which always gives float32, where
    /// <see cref="Tensor(Array, bool)"/> is <c>torch.tensor</c> and infers the dtype (int literals give int64).
    /// <c>Torch.FloatTensor(new[] { 1, 2, 3 })</c> is <c>tensor([1., 2., 3.])</c>. (PyTorch's <c>torch.Tensor(2, 3)</c>
    /// with sizes is <see cref="Empty(int[])"/>.)</summary>
    /// <exception cref="ArgumentException">The elements are not numbers or bools.</exception>
    public static Tensor FloatTensor(Array data, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var t = Tensor(data);
        if (t.DType != DType.Float32) t = t.To(DType.Float32);
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }
}
