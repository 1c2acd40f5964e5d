namespace Lumen.Kernels;

/// <summary>
/// One convolution's Winograd-transformed weights (U = G·g·Gᵀ, <see cref="Winograd.TransformWeights"/>) kept between
/// calls. The transform reads every weight and writes 16/9 as many floats: at ResNet-18's 512→512 layers it costs about
/// as much as a third of the convolution. In inference the weights do not change, so it is made once; in training it is
/// made by the forward and read again by the backward's input gradient (permuted and transposed, no second transform).
/// The caller stamps the weights' identity before each call (<see cref="Stamp"/>: their storage, its version counter,
/// offset and shape); a stamp that differs from the one the transform was made from makes a new transform, so a weight
/// written in place, stepped by an optimizer or loaded from a state dict is never served stale (as the fused inference
/// fold, <c>ConvBatchNormFold</c>). A transform is read under a <see cref="Lease"/>: a new one is written over the old
/// array only when nobody holds a lease on it (no allocation per training step), into a new array otherwise, so a call
/// still reading the previous one on another thread keeps correct values.
/// </summary>
internal sealed class WinogradWeights
{
    /// <summary>One transform and the stamp it was made from; <see cref="Readers"/>: leases held on it. Leases are
    /// taken only under the owner's lock and given back from any thread (atomically), so a count read as zero under
    /// the lock stays zero; the entry may have changed owner since (<see cref="TakeFrom"/>).</summary>
    internal sealed class Entry(object source, int version, int offset, int oc, int c, float[] u)
    {
        public readonly object Source = source;
        public readonly int Version = version, Offset = offset, OC = oc, C = c;
        public readonly float[] U = u;
        public int Readers;
    }

    /// <summary>A transform being read; disposing it lets a later transform reuse the array.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly Entry? _entry;

        internal Lease(Entry entry) => _entry = entry;

        /// <summary>U: 16 matrices of OC × C.</summary>
        public float[] U => _entry?.U ?? throw new InvalidOperationException("WinogradWeights: an empty lease.");

        public void Dispose()
        {
            if (_entry != null) Interlocked.Decrement(ref _entry.Readers);
        }
    }

    private readonly object _gate = new();
    private Entry? _entry;
    private (object? Source, int Version) _stamp;

    /// <summary>The identity of the weights the next call passes: <paramref name="source"/> (their storage) at
    /// <paramref name="version"/> (its in-place write counter).</summary>
    public void Stamp(object source, int version)
    {
        lock (_gate) _stamp = (source, version);
    }

    /// <summary>Takes <paramref name="other"/>'s kept transform as this one's, to be overwritten by this one's next
    /// transform (its stamp matches nothing here): a fused module's fold reuses the array its own weights' transform
    /// had (made by a training or tracing call) instead of keeping both. Leases still held keep their array.</summary>
    public void TakeFrom(WinogradWeights other)
    {
        if (ReferenceEquals(other, this)) return;
        Entry? e;
        lock (other._gate) (e, other._entry) = (other._entry, null);
        if (e != null)
            lock (_gate) _entry ??= e;
    }

    /// <summary>U for <paramref name="w"/> (oc × c 3×3 filters), from the cache when the stamp, offset and shape match
    /// the entry's, else transformed now and kept; held until the lease is disposed.</summary>
    public Lease Acquire(View<float> w, int oc, int c)
    {
        lock (_gate)
        {
            if (_stamp.Source is not { } source) throw new InvalidOperationException("WinogradWeights: no stamp for these weights.");
            var e = _entry;
            if (e == null || !ReferenceEquals(e.Source, source) || e.Version != _stamp.Version || e.Offset != w.Offset || e.OC != oc || e.C != c)
            {
                int length = 16 * oc * c;
                var u = e != null && Volatile.Read(ref e.Readers) == 0 && e.U.Length == length ? e.U : GC.AllocateUninitializedArray<float>(length);
                Winograd.TransformWeights(new ReadOnlySpan<float>(w.Array, w.Offset, oc * c * 9), oc, c, false, u);
                e = _entry = new Entry(source, _stamp.Version, w.Offset, oc, c, u);
            }
            Interlocked.Increment(ref e.Readers);
            return new Lease(e);
        }
    }
}
