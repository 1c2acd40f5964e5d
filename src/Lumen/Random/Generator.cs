using System.Buffers.Binary;

namespace Lumen;

/// <summary>
/// A pseudo-random number generator with PyTorch's CPU generator inside, PyTorch's <c>torch.Generator</c>: a 32-bit
/// Mersenne Twister (<c>at::mt19937</c>) plus the cached second value of the scalar Box–Muller transform. Seeded with
/// the same number, it produces the same bits as PyTorch 1.13's CPU generator, so <c>Torch.ManualSeed(0); Torch.Rand(3)</c>
/// gives exactly <c>torch.manual_seed(0); torch.rand(3)</c>. Pass one as <c>generator:</c> to any random function to keep
/// a stream apart from the global <see cref="Default"/>. Thread-safe: draws are serialised by a lock.
/// </summary>
public sealed class Generator
{
    /// <summary>Size in bytes of <see cref="GetState"/>'s result: PyTorch's <c>CPUGeneratorImplState</c> (5056 bytes).</summary>
    public const int StateSize = 5056;

    private readonly MT19937 _engine;
    private double? _nextDoubleNormal;
    private float? _nextFloatNormal;

    /// <summary>The lock every multi-draw operation holds, so that a tensor's values come from one unbroken stream.</summary>
    internal readonly object Sync = new();

    /// <summary>The process-wide generator that random functions use when no <c>generator:</c> is given,
    /// PyTorch's <c>torch.default_generator</c>. Seeded with 67280421310721 like PyTorch's until <see cref="Torch.ManualSeed"/>.</summary>
    public static Generator Default { get; } = new(67280421310721);

    /// <summary>A generator seeded with <paramref name="seed"/> (PyTorch's <c>torch.Generator().manual_seed(seed)</c>;
    /// PyTorch's own default seed 67280421310721 when omitted).</summary>
    public Generator(long seed = 67280421310721) => _engine = new MT19937(unchecked((ulong)seed));

    /// <summary>Reseeds, clearing the cached normal value, PyTorch's <c>manual_seed</c>. Returns this generator.
    /// Only the low 32 bits of the seed reach the Mersenne Twister (as in PyTorch); <see cref="InitialSeed"/> keeps all 64.</summary>
    public Generator ManualSeed(long seed)
    {
        lock (Sync)
        {
            _engine.Reseed(unchecked((ulong)seed));
            _nextDoubleNormal = null;
            _nextFloatNormal = null;
        }
        return this;
    }

    /// <summary>Reseeds from a nondeterministic source and returns the seed used, PyTorch's <c>seed()</c>.</summary>
    public long Seed()
    {
        long s = System.Random.Shared.NextInt64() & long.MaxValue;
        ManualSeed(s);
        return s;
    }

    /// <summary>The seed this generator was last seeded with, PyTorch's <c>initial_seed()</c>.</summary>
    public long InitialSeed { get { lock (Sync) return unchecked((long)_engine.Seed); } }

    /// <summary>The complete state as bytes in PyTorch's <c>get_rng_state()</c> layout (the <c>CPUGeneratorImplState</c>
    /// struct, <see cref="StateSize"/> bytes, little-endian), so a state saved by PyTorch restores here and vice versa.
    /// Store it in a training checkpoint and hand it to <see cref="SetState"/> to resume the same random stream.</summary>
    public byte[] GetState()
    {
        var b = new byte[StateSize];
        var s = b.AsSpan();
        lock (Sync)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[0..], _engine.Seed);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], _engine.Left);
            BinaryPrimitives.WriteInt32LittleEndian(s[12..], _engine.Seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(s[16..], _engine.Next);
            for (int i = 0; i < MT19937.N; i++) BinaryPrimitives.WriteUInt64LittleEndian(s[(24 + 8 * i)..], _engine.State[i]);
            // normal_x (5016) and normal_rho (5032) are unused dummies; normal_y (5024) holds the cached double normal.
            if (_nextDoubleNormal is double d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(s[5024..], d);
                BinaryPrimitives.WriteInt32LittleEndian(s[5040..], 1);
            }
            if (_nextFloatNormal is float f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s[5048..], f);
                s[5052] = 1;
            }
        }
        return b;
    }

    /// <summary>Restores a state from <see cref="GetState"/> (or PyTorch's <c>torch.get_rng_state().numpy().tobytes()</c>),
    /// PyTorch's <c>set_state</c>.</summary>
    public void SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateSize)
            throw new ArgumentException($"Generator.SetState: expected a state of {StateSize} bytes, got {state.Length}.", nameof(state));
        var s = state.AsSpan();
        var e = new MT19937();
        e.Seed = BinaryPrimitives.ReadUInt64LittleEndian(s[0..]);
        e.Left = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
        e.Seeded = BinaryPrimitives.ReadInt32LittleEndian(s[12..]) != 0;
        e.Next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        for (int i = 0; i < MT19937.N; i++) e.State[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(s[(24 + 8 * i)..]);
        // PyTorch's is_valid(): seeded, 0 < left <= 624, next <= 624.
        if (!e.Seeded || e.Left <= 0 || e.Left > MT19937.N || e.Next > MT19937.N)
            throw new ArgumentException($"Generator.SetState: invalid mt19937 state (left {e.Left}, next {e.Next}, seeded {e.Seeded}).", nameof(state));
        lock (Sync)
        {
            _engine.CopyFrom(e);
            _nextDoubleNormal = BinaryPrimitives.ReadInt32LittleEndian(s[5040..]) != 0 ? BinaryPrimitives.ReadDoubleLittleEndian(s[5024..]) : null;
            _nextFloatNormal = s[5052] != 0 ? BinaryPrimitives.ReadSingleLittleEndian(s[5048..]) : null;
        }
    }

    /// <summary>An independent generator in the same state, PyTorch's <c>clone_state</c> / <c>graphsafe_get_state</c>.</summary>
    public Generator Clone()
    {
        var g = new Generator();
        g.SetState(GetState());
        return g;
    }

    // ------------------------------------------------------------ raw draws (callers hold Sync)

    /// <summary>32 random bits, PyTorch's <c>CPUGeneratorImpl::random()</c>.</summary>
    internal uint Random32() => _engine.NextUInt32();

    /// <summary>64 random bits from two draws, the first in the high half, PyTorch's <c>random64()</c>.</summary>
    internal ulong Random64()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        return (hi << 32) | lo;
    }

    /// <summary>The next <c>dst.Length</c> 32-bit draws, in order.</summary>
    internal void Fill32(Span<uint> dst) => _engine.Fill(dst);

    internal double? NextDoubleNormal { get => _nextDoubleNormal; set => _nextDoubleNormal = value; }
}
