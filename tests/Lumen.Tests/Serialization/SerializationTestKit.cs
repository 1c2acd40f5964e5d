using Lumen.NN;
using Lumen.Serialization;
using Xunit;

namespace Lumen.Tests.Serialization;

/// <summary>Helpers shared by the serialization tests: fixture paths, a scratch folder, bit-exact comparison and
/// random tensors of every dtype.</summary>
internal static class Kit
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "serialization", name);

    public static FixtureCase Expected(string name) => Fixtures.Case("serialization/expected", name);

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string ScratchDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "lumen-serialization-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Same dtype, same shape and the same bits in row-major order (NaN payloads and −0 included).</summary>
    public static void BitEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.DType == actual.DType, $"{what}: dtype {actual.DType}, expected {expected.DType}");
        Assert.True(expected.Shape == actual.Shape, $"{what}: shape {actual.Shape}, expected {expected.Shape}");
        var e = ElementTypes.RowMajorBytes(expected).ToArray();
        var a = ElementTypes.RowMajorBytes(actual).ToArray();
        Assert.True(e.AsSpan().SequenceEqual(a), $"{what}: the bytes differ");
    }

    public static void BitEqual(IEnumerable<KeyValuePair<string, Tensor>> expected, IEnumerable<KeyValuePair<string, Tensor>> actual)
    {
        var e = expected.ToList(); var a = actual.ToList();
        Assert.Equal(e.Select(p => p.Key), a.Select(p => p.Key));
        for (int i = 0; i < e.Count; i++) BitEqual(e[i].Value, a[i].Value, e[i].Key);
    }

    /// <summary>Odd shapes: 0-d, empty along one or more dims, size-1 dims, ranks 1–5.</summary>
    public static readonly int[][] OddShapes =
    {
        Array.Empty<int>(), new[] { 0 }, new[] { 1 }, new[] { 7 }, new[] { 2, 0, 3 }, new[] { 3, 5 },
        new[] { 1, 1, 1 }, new[] { 2, 3, 4 }, new[] { 7, 1, 2, 1, 3 },
    };

    /// <summary>A tensor whose elements are random bit patterns (floats include NaNs with payloads, infinities,
    /// subnormals and −0; bools are random 0/1).</summary>
    public static Tensor RandomBits(DType dtype, int[] shape, Random rng)
    {
        int n = (int)ShapeUtil.Numel(shape);
        switch (dtype)
        {
            case DType.Float32:
            {
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue));
                if (n > 3) { f[0] = float.NaN; f[1] = -0f; f[2] = float.NegativeInfinity; f[3] = BitConverter.Int32BitsToSingle(0x7fc01234); }
                return Tensor.Wrap(f, shape);
            }
            case DType.Int64:
            {
                var l = new long[n];
                for (int i = 0; i < n; i++) l[i] = rng.NextInt64(long.MinValue, long.MaxValue);
                return Tensor.Wrap(l, shape);
            }
            case DType.UInt8:
            {
                var b = new byte[n];
                rng.NextBytes(b);
                return Tensor.Wrap(b, shape);
            }
            default:
            {
                var b = new bool[n];
                for (int i = 0; i < n; i++) b[i] = rng.Next(2) == 1;
                return Tensor.Wrap(b, shape);
            }
        }
    }

    /// <summary>Every dtype × every odd shape, named "f32_2x0x3" etc.</summary>
    public static OrderedDictionary<string, Tensor> AllDTypesAndShapes(int seed)
    {
        var rng = new Random(seed);
        var d = new OrderedDictionary<string, Tensor>();
        foreach (var dt in new[] { DType.Float32, DType.Int64, DType.UInt8, DType.Bool })
            foreach (var s in OddShapes)
                d[$"{dt}_{(s.Length == 0 ? "scalar" : string.Join("x", s))}"] = RandomBits(dt, s, rng);
        return d;
    }

    /// <summary>Asserts that no file named lumen_pwned_marker exists where a payload could have created it.</summary>
    public static void AssertNoMarker(params string[] extraPaths)
    {
        foreach (var p in extraPaths.Append(Path.Combine(Directory.GetCurrentDirectory(), "lumen_pwned_marker"))
                                    .Append(Path.Combine(AppContext.BaseDirectory, "lumen_pwned_marker")))
            Assert.False(File.Exists(p), $"the payload ran: {p} exists");
    }
}

/// <summary>A module with the keys of PyTorch's <c>nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))</c>, to load
/// the PyTorch-written state dict into (the real layers live in other parts of Lumen).</summary>
internal sealed class LinearBnShapes : Module
{
    private sealed class LinearLike : Module
    {
        public LinearLike() { RegisterParameter("weight", Torch.Zeros(4, 3)); RegisterParameter("bias", Torch.Zeros(4)); }
    }

    private sealed class BatchNormLike : Module
    {
        public BatchNormLike()
        {
            RegisterParameter("weight", Torch.Zeros(4)); RegisterParameter("bias", Torch.Zeros(4));
            RegisterBuffer("running_mean", Torch.Zeros(4)); RegisterBuffer("running_var", Torch.Zeros(4));
            RegisterBuffer("num_batches_tracked", Torch.Zeros(Array.Empty<int>(), DType.Int64));
        }
    }

    public LinearBnShapes() { RegisterModule("0", new LinearLike()); RegisterModule("1", new BatchNormLike()); }
}

/// <summary>A stream that passes writes through until <c>failAfter</c> bytes, then throws, as a full disk or a
/// crash would interrupt a save.</summary>
internal sealed class FailingStream(Stream inner, long failAfter) : Stream
{
    private long _written;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _written; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > failAfter)
        {
            inner.Write(buffer[..(int)(failAfter - _written)]);
            _written = failAfter;
            throw new IOException("simulated failure in the middle of writing a checkpoint");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }
}
