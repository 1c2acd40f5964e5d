using System.Runtime.Intrinsics;

namespace Lumen;

/// <summary>
/// The 32-bit Mersenne Twister (Matsumoto &amp; Nishimura), laid out as PyTorch's <c>at::mt19937</c>: a state of 624
/// words, a countdown <see cref="Left"/> that triggers the twist when it reaches zero, and a read index
/// <see cref="Next"/>. Seeding follows <c>init_genrand</c> with the low 32 bits of the seed.
/// </summary>
internal sealed class MT19937
{
    public const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    public readonly uint[] State = new uint[N];
    public ulong Seed;
    public int Left;
    public bool Seeded;
    public uint Next;

    public MT19937(ulong seed = 5489) => Reseed(seed);

    public void Reseed(ulong seed)
    {
        Seed = seed;
        Seeded = true;
        State[0] = (uint)(seed & 0xffffffff);
        for (uint j = 1; j < N; j++)
            State[j] = unchecked(1812433253u * (State[j - 1] ^ (State[j - 1] >> 30)) + j);
        Left = 1;
        Next = 0;
    }

    public void CopyFrom(MT19937 other)
    {
        Array.Copy(other.State, State, N);
        Seed = other.Seed; Left = other.Left; Seeded = other.Seeded; Next = other.Next;
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        if (--Left == 0) Twist();
        uint y = State[Next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Fills <paramref name="dst"/> with the next draws, exactly as repeated <see cref="NextUInt32"/> calls would.</summary>
    public void Fill(Span<uint> dst)
    {
        int pos = 0;
        while (pos < dst.Length)
        {
            if (Left == 1)
            {
                Twist();
                Left = N + 1; // the read that triggered the twist has already counted itself down
            }
            int k = Math.Min(dst.Length - pos, Left - 1);
            Temper(State.AsSpan((int)Next, k), dst.Slice(pos, k));
            Next += (uint)k;
            Left -= k;
            pos += k;
        }
    }

    private static void Temper(ReadOnlySpan<uint> src, Span<uint> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= src.Length; i += 8)
            {
                var y = Vector256.Create(src.Slice(i, 8));
                y ^= Vector256.ShiftRightLogical(y, 11);
                y ^= Vector256.ShiftLeft(y, 7) & Vector256.Create(0x9d2c5680u);
                y ^= Vector256.ShiftLeft(y, 15) & Vector256.Create(0xefc60000u);
                y ^= Vector256.ShiftRightLogical(y, 18);
                y.CopyTo(dst.Slice(i, 8));
            }
        }
        for (; i < src.Length; i++)
        {
            uint y = src[i];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            y ^= y >> 18;
            dst[i] = y;
        }
    }

    private static uint Mix(uint u, uint v) => (((u & UpperMask) | (v & LowerMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0);

    private void Twist()
    {
        var s = State.AsSpan();
        Left = N;
        Next = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight words at a time: every read is of a word this pass has not yet rewritten (k+1…k+8, k+M…) or has
            // already finished (k+M−N, 227 words back), exactly as in the one-at-a-time loop.
            var upper = Vector256.Create(UpperMask);
            var lower = Vector256.Create(LowerMask);
            var matrix = Vector256.Create(MatrixA);
            var one = Vector256<uint>.One;
            for (; k + 8 <= N - M; k += 8) TwistBlock(s, k, k + M, upper, lower, matrix, one);
            for (; k < N - M; k++) s[k] = s[k + M] ^ Mix(s[k], s[k + 1]);
            for (; k + 8 <= N - 1; k += 8) TwistBlock(s, k, k + M - N, upper, lower, matrix, one);
        }
        else for (; k < N - M; k++) s[k] = s[k + M] ^ Mix(s[k], s[k + 1]);
        for (; k < N - 1; k++) s[k] = s[k + M - N] ^ Mix(s[k], s[k + 1]);
        s[N - 1] = s[M - 1] ^ Mix(s[N - 1], s[0]);
    }

    private static void TwistBlock(Span<uint> s, int k, int src, Vector256<uint> upper, Vector256<uint> lower, Vector256<uint> matrix, Vector256<uint> one)
    {
        var u = Vector256.Create((ReadOnlySpan<uint>)s.Slice(k, 8));
        var v = Vector256.Create((ReadOnlySpan<uint>)s.Slice(k + 1, 8));
        var y = (u & upper) | (v & lower);
        var odd = Vector256.Equals(v & one, one);
        var r = Vector256.Create((ReadOnlySpan<uint>)s.Slice(src, 8)) ^ Vector256.ShiftRightLogical(y, 1) ^ (odd & matrix);
        r.CopyTo(s.Slice(k, 8));
    }
}
