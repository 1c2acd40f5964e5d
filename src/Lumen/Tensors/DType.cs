namespace Lumen;

/// <summary>Element type of a tensor. Float32 is the compute type; Int64 holds labels and indices,
/// UInt8 raw image bytes, Bool masks.</summary>
public enum DType
{
    Float32,
    Int64,
    UInt8,
    Bool,
}

/// <summary>Helpers over <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>PyTorch's name for the dtype, as printed in a tensor repr (<c>torch.int64</c>).</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "torch.float32",
        DType.Int64 => "torch.int64",
        DType.UInt8 => "torch.uint8",
        DType.Bool => "torch.bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>True for floating-point dtypes (the only ones that can require gradients).</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype == DType.Float32;

    /// <summary>The dtype PyTorch's type promotion gives to a binary op on <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b) return a;
        if (a == DType.Float32 || b == DType.Float32) return DType.Float32;
        if (a == DType.Int64 || b == DType.Int64) return DType.Int64;
        if (a == DType.UInt8 || b == DType.UInt8) return DType.UInt8;
        return DType.Bool;
    }
}
