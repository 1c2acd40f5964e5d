namespace Lumen;

// Random tensor creation and seeding, torch.rand / randn / randint / randperm / bernoulli / normal / manual_seed.
// Every function draws from PyTorch 1.13's CPU generator formulas, so the same seed yields PyTorch's exact values
// (see each function's remarks for what is bit-exact).
public static partial class Torch
{
    /// <summary>Seeds the global generator <see cref="Generator.Default"/>, PyTorch's <c>torch.manual_seed</c>; returns it.</summary>
    public static Generator ManualSeed(long seed) => Generator.Default.ManualSeed(seed);

    /// <summary>Reseeds the global generator nondeterministically and returns the seed, PyTorch's <c>torch.seed()</c>.</summary>
    public static long Seed() => Generator.Default.Seed();

    /// <summary>The global generator's seed, PyTorch's <c>torch.initial_seed()</c>.</summary>
    public static long InitialSeed() => Generator.Default.InitialSeed;

    /// <summary>The global generator's state in PyTorch's byte layout, PyTorch's <c>torch.get_rng_state()</c>.</summary>
    public static byte[] GetRngState() => Generator.Default.GetState();

    /// <summary>Restores the global generator's state, PyTorch's <c>torch.set_rng_state</c>.</summary>
    public static void SetRngState(byte[] state) => Generator.Default.SetState(state);

    /// <summary>The global generator, PyTorch's <c>torch.default_generator</c>.</summary>
    public static Generator DefaultGenerator => Generator.Default;

    /// <summary>A float32 tensor of <paramref name="shape"/> filled from U[0, 1), PyTorch's <c>torch.rand</c>.
    /// Bit-exact with PyTorch 1.13 (24 random bits per element).</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <inheritdoc cref="Rand(int[])"/>
    public static Tensor Rand(int[] shape, Generator? generator = null) =>
        Lumen.Tensor.Empty(shape, DType.Float32, zero: false).Uniform_(0, 1, generator);

    /// <summary>A float32 tensor of <paramref name="shape"/> filled from N(0, 1), PyTorch's <c>torch.randn</c>.
    /// Bit-exact with PyTorch 1.13 on x86-64 at every size (see <see cref="Tensor.Normal_"/> for the two paths).</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <inheritdoc cref="Randn(int[])"/>
    public static Tensor Randn(int[] shape, Generator? generator = null) =>
        Lumen.Tensor.Empty(shape, DType.Float32, zero: false).Normal_(0, 1, generator);

    /// <summary>A float32 tensor of <paramref name="shape"/> filled from N(<paramref name="mean"/>, <paramref name="std"/>²),
    /// PyTorch's <c>torch.normal(mean, std, size)</c>. Bit-exact with PyTorch 1.13.</summary>
    public static Tensor Normal(double mean, double std, int[] shape, Generator? generator = null) =>
        Lumen.Tensor.Empty(shape, DType.Float32, zero: false).Normal_(mean, std, generator);

    /// <summary>An int64 tensor of <paramref name="shape"/> with integers drawn uniformly from [<paramref name="low"/>,
    /// <paramref name="high"/>), PyTorch's <c>torch.randint(low, high, size)</c>. Bit-exact with PyTorch 1.13.</summary>
    public static Tensor RandInt(long low, long high, int[] shape, Generator? generator = null, DType dtype = DType.Int64) =>
        Lumen.Tensor.Empty(shape, dtype, zero: false).Random_(low, high, generator);

    /// <summary>An int64 tensor of <paramref name="shape"/> with integers from [0, <paramref name="high"/>),
    /// PyTorch's <c>torch.randint(high, size)</c>.</summary>
    public static Tensor RandInt(long high, int[] shape, Generator? generator = null, DType dtype = DType.Int64) =>
        RandInt(0, high, shape, generator, dtype);

    /// <summary>A random permutation of 0…<paramref name="n"/>−1 as int64, PyTorch's <c>torch.randperm</c> (what a
    /// shuffling DataLoader draws). Bit-exact with PyTorch 1.13's CPU algorithm (one 32-bit draw per position).</summary>
    public static Tensor RandPerm(int n, Generator? generator = null)
    {
        if (n < 0) throw new ArgumentException($"randperm: n must be non-negative, got {n}.");
        var t = Lumen.Tensor.Empty(new[] { n }, DType.Int64, zero: false);
        var g = generator ?? Generator.Default;
        lock (g.Sync) Distributions.RandPerm(g, t.SpanI64());
        return t;
    }

    /// <summary>A tensor shaped like <paramref name="probs"/> (float32 probabilities in [0, 1]) holding 1 where a draw
    /// succeeded and 0 elsewhere, PyTorch's <c>torch.bernoulli(probs)</c>. Bit-exact with PyTorch 1.13.</summary>
    public static Tensor Bernoulli(Tensor probs, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(probs);
        return Lumen.Tensor.Empty(probs._shape, probs.DType, zero: false).Bernoulli_(probs, generator);
    }

    /// <summary>U[0, 1) values shaped like <paramref name="t"/>, PyTorch's <c>torch.rand_like</c>.</summary>
    public static Tensor RandLike(Tensor t, Generator? generator = null) => Rand(t._shape, generator);

    /// <summary>N(0, 1) values shaped like <paramref name="t"/>, PyTorch's <c>torch.randn_like</c>.</summary>
    public static Tensor RandnLike(Tensor t, Generator? generator = null) => Randn(t._shape, generator);

    /// <summary>Integers from [<paramref name="low"/>, <paramref name="high"/>) shaped like <paramref name="t"/> and of its dtype,
    /// PyTorch's <c>torch.randint_like</c>.</summary>
    public static Tensor RandIntLike(Tensor t, long low, long high, Generator? generator = null) =>
        RandInt(low, high, t._shape, generator, t.DType);
}
