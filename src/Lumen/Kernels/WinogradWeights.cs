namespace Lumen.Kernels;

/// <summary>
/// One convolution's Winograd-transformed weights (U = G·g·Gᵀ, <see cref="Winograd.TransformWeights"/>) kept between
/// inference calls. The transform reads every weight and writes 16/9 as many floats: at ResNet-18's 512→512 layers it
/// costs about as much as a third of the convolution, on every call, for weights that do not change in inference.
/// The caller stamps the weights' identity before each call (<see cref="Stamp"/>: their storage, its version counter,
/// offset and shape); a stamp that differs from the one the transform was made from makes a new transform, so a weight
/// written in place, stepped by an optimizer or loaded from a state dict is never served stale (as the fused inference
/// fold, <c>ConvBatchNormFold</c>). Each transform is a new array, never rewritten: a call still reading the previous one
/// on another thread keeps correct values.
/// </summary>
internal sealed class WinogradWeights
{
    private sealed record Entry(object Source, int Version, int Offset, int OC, int C, float[] U);

    private readonly object _gate = new();
    private Entry? _entry;
    private (object? Source, int Version) _stamp;

    /// <summary>The identity of the weights the next call passes: <paramref name="source"/> (their storage) at
    /// <paramref name="version"/> (its in-place write counter).</summary>
    public void Stamp(object source, int version)
    {
        lock (_gate) _stamp = (source, version);
    }

    /// <summary>U for <paramref name="w"/> (oc × c 3×3 filters), from the cache when the stamp, offset and shape match
    /// the entry's, else transformed now and kept.</summary>
    public float[] Transformed(View<float> w, int oc, int c)
    {
        lock (_gate)
        {
            if (_stamp.Source is not { } source) throw new InvalidOperationException("WinogradWeights: no stamp for these weights.");
            var e = _entry;
            if (e != null && ReferenceEquals(e.Source, source) && e.Version == _stamp.Version && e.Offset == w.Offset && e.OC == oc && e.C == c)
                return e.U;
            var u = GC.AllocateUninitializedArray<float>(16 * oc * c);
            Winograd.TransformWeights(new ReadOnlySpan<float>(w.Array, w.Offset, oc * c * 9), oc, c, false, u);
            _entry = new Entry(source, _stamp.Version, w.Offset, oc, c, u);
            return u;
        }
    }
}
