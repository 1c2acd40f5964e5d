namespace Lumen.Training.Reports;

/// <summary>A float32 array with its shape, detached from any tensor, as stored in a <see cref="RunReport"/>
/// (JSON: <c>{"shape": [...], "dtype": "float32", "data": "&lt;base64 of little-endian float32&gt;"}</c>, exact
/// to the bit, NaN included).</summary>
public sealed record TensorData
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">a dimension is negative or the element count differs from the shape's.</exception>
    public TensorData(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"TensorData: shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            n *= d;
        }
        if (n != data.Length)
            throw new ArgumentException($"TensorData: shape [{string.Join(", ", shape)}] holds {n} elements but data has {data.Length}.", nameof(data));
        Shape = shape;
        Data = data;
    }

    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>Elements in row-major order.</summary>
    public float[] Data { get; }

    /// <summary>A copy of <paramref name="tensor"/>'s values as float32 (any dtype, any strides; detached from autograd).</summary>
    public static TensorData From(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new TensorData(tensor.Shape.ToArray(), tensor.ToArray<float>());
    }

    /// <summary>A new float32 tensor holding a copy of the values.</summary>
    public Tensor ToTensor() => Torch.FromArray((float[])Data.Clone(), (int[])Shape.Clone());

    public bool Equals(TensorData? other) =>
        other is not null && Shape.AsSpan().SequenceEqual(other.Shape) && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Shape) h.Add(d);
        h.Add(Data.Length);
        return h.ToHashCode();
    }

    public override string ToString() => $"TensorData([{string.Join(", ", Shape)}])";
}
