using Xunit;

// Not "Lumen.Tests.Random": a namespace of that name would hide System.Random in every Lumen.Tests file.
namespace Lumen.Tests.Rng;

/// <summary>Lumen's random functions against PyTorch 1.13's exact values (tests/Fixtures/gen_random.py). Each case is
/// drawn from a fresh <see cref="Generator"/> seeded like <c>torch.manual_seed</c>, so the comparison is bit for bit.</summary>
public class RandomTests
{
    private static FixtureCase C(string name) => Fixtures.Case("random", name);
    private static Generator G(FixtureCase c) => new(c.Raw("seed").GetInt64());

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(100)]
    public void Rand_matches_PyTorch_bit_for_bit(int n)
    {
        var c = C($"rand_{n}");
        TensorAssert.Equal(c.Tensor("out"), Torch.Rand(new[] { n }, G(c)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Randn_matches_PyTorch_bit_for_bit_below_and_above_the_16_element_vectorised_path(int n)
    {
        var c = C($"randn_{n}");
        TensorAssert.Equal(c.Tensor("out"), Torch.Randn(new[] { n }, G(c)));
    }

    [Fact]
    public void Randn_of_a_4x8_matrix_matches_PyTorch()
    {
        var c = C("randn_4x8_seed42");
        TensorAssert.Equal(c.Tensor("out"), Torch.Randn(new[] { 4, 8 }, G(c)));
    }

    [Fact]
    public void Scalar_normal_path_carries_its_cached_value_across_calls_like_PyTorch()
    {
        var c = C("randn_sequence_3_1_20_2");
        var g = G(c);
        TensorAssert.Equal(c.Tensor("a"), Torch.Randn(new[] { 3 }, g));
        TensorAssert.Equal(c.Tensor("b"), Torch.Randn(new[] { 1 }, g));
        TensorAssert.Equal(c.Tensor("c"), Torch.Randn(new[] { 20 }, g));
        TensorAssert.Equal(c.Tensor("d"), Torch.Randn(new[] { 2 }, g));
    }

    [Theory]
    [InlineData("normal_mean_std_40", 40)]
    [InlineData("normal_mean_std_7", 7)]
    public void Normal_with_mean_and_std_matches_PyTorch(string name, int n)
    {
        var c = C(name);
        TensorAssert.Equal(c.Tensor("out"), Torch.Normal(c.Raw("mean").GetDouble(), c.Raw("std").GetDouble(), new[] { n }, G(c)));
    }

    [Fact]
    public void Uniform_with_the_kaiming_bound_reproduces_PyTorch_conv_weight_init()
    {
        var c = C("kaiming_uniform_conv_16x3x3x3");
        double bound = c.Raw("bound").GetDouble();
        var w = Torch.Empty(16, 3, 3, 3).Uniform_(-bound, bound, G(c));
        TensorAssert.Equal(c.Tensor("out"), w);
    }

    [Fact]
    public void Linear_default_init_sequence_weight_then_bias_matches_PyTorch()
    {
        var c = C("linear_default_init_20_10");
        var g = G(c);
        double wb = c.Raw("weight_bound").GetDouble(), bb = c.Raw("bias_bound").GetDouble();
        var w = Torch.Empty(10, 20).Uniform_(-wb, wb, g);
        var b = Torch.Empty(10).Uniform_(-bb, bb, g);
        TensorAssert.Equal(c.Tensor("weight"), w);
        TensorAssert.Equal(c.Tensor("bias"), b);
    }

    [Fact]
    public void Uniform_on_an_asymmetric_range_matches_PyTorch()
    {
        var c = C("uniform_minus3p7_11p1_50");
        TensorAssert.Equal(c.Tensor("out"), Torch.Empty(50).Uniform_(c.Raw("from").GetDouble(), c.Raw("to").GetDouble(), G(c)));
    }

    [Fact]
    public void RandInt_matches_PyTorch_for_small_and_64_bit_ranges()
    {
        var c = C("randint_0_10_20");
        TensorAssert.Equal(c.Tensor("out"), Torch.RandInt(0, 10, new[] { 20 }, G(c)));
        c = C("randint_m5_17_3x4");
        TensorAssert.Equal(c.Tensor("out"), Torch.RandInt(-5, 17, new[] { 3, 4 }, G(c)));
        c = C("randint_wide_range_64bit_draws");
        TensorAssert.Equal(c.Tensor("out"), Torch.RandInt(c.Raw("low").GetInt64(), c.Raw("high").GetInt64(), new[] { 8 }, G(c)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public void RandPerm_matches_PyTorch(int n)
    {
        var c = C($"randperm_{n}");
        TensorAssert.Equal(c.Tensor("out"), Torch.RandPerm(n, G(c)));
    }

    [Fact]
    public void Bernoulli_with_a_scalar_p_matches_PyTorch()
    {
        var c = C("bernoulli_scalar_p0.3_200");
        TensorAssert.Equal(c.Tensor("out"), Torch.Empty(200).Bernoulli_(c.Raw("p").GetDouble(), G(c)));
    }

    [Fact]
    public void Bernoulli_of_a_probability_tensor_drawn_from_the_same_generator_matches_PyTorch()
    {
        var c = C("bernoulli_probs_6x5");
        var g = G(c);
        var probs = Torch.Rand(new[] { 6, 5 }, g);
        TensorAssert.Equal(c.Tensor("probs"), probs);
        TensorAssert.Equal(c.Tensor("out"), Torch.Bernoulli(probs, g));
    }

    [Fact]
    public void Exponential_matches_PyTorch()
    {
        var c = C("exponential_lambda1.7_50");
        TensorAssert.Equal(c.Tensor("out"), Torch.Empty(50).Exponential_(c.Raw("lambd").GetDouble(), G(c)));
    }

    [Fact]
    public void Fills_of_a_transposed_tensor_follow_memory_order_like_PyTorch()
    {
        var c = C("uniform_on_transposed_5x7");
        TensorAssert.Equal(c.Tensor("out"), Torch.Empty(7, 5).T().Uniform_(generator: G(c)));
        c = C("normal_on_transposed_5x7");
        TensorAssert.Equal(c.Tensor("out"), Torch.Empty(7, 5).T().Normal_(generator: G(c)));
    }

    [Fact]
    public void A_separate_generator_gives_PyTorch_values()
    {
        var c = C("generator_seed7_rand5_then_default_rand3");
        TensorAssert.Equal(c.Tensor("g"), Torch.Rand(new[] { 5 }, new Generator(7)));
        TensorAssert.Equal(c.Tensor("default"), Torch.Rand(new[] { 3 }, new Generator(0)));
    }

    [Fact]
    public void Seeds_above_32_bits_and_negative_seeds_behave_like_PyTorch()
    {
        var c = C("seed_above_32_bits");
        var g = new Generator().ManualSeed(c.Raw("initial_seed").GetInt64());
        Assert.Equal(c.Raw("initial_seed").GetInt64(), g.InitialSeed);
        TensorAssert.Equal(c.Tensor("out"), Torch.Rand(new[] { 4 }, g));
        TensorAssert.Equal(C("seed_minus_1").Tensor("out"), Torch.Rand(new[] { 4 }, new Generator(-1)));
    }

    [Fact]
    public void GetState_equals_PyTorch_get_rng_state_bytes_including_the_cached_normal()
    {
        var c = C("rng_state_after_rand3_randn1");
        var g = new Generator(5);
        Torch.Rand(new[] { 3 }, g);
        Torch.Randn(new[] { 1 }, g);
        Assert.Equal(c.Tensor("state").ToArray<byte>(), g.GetState());
    }

    [Fact]
    public void SetState_from_PyTorch_bytes_resumes_PyTorch_stream()
    {
        var c = C("rng_state_after_rand3_randn1");
        var g = new Generator(123);
        g.SetState(c.Tensor("state").ToArray<byte>());
        TensorAssert.Equal(c.Tensor("next_randn1"), Torch.Randn(new[] { 1 }, g));
        TensorAssert.Equal(c.Tensor("next_rand4"), Torch.Rand(new[] { 4 }, g));
    }

    [Fact]
    public void Saved_state_replays_the_same_draws()
    {
        var g = new Generator(99);
        Torch.Randn(new[] { 3 }, g);
        var state = g.GetState();
        var first = Torch.Randn(new[] { 50 }, g).ToArray();
        var firstSmall = Torch.Randn(new[] { 5 }, g).ToArray();
        g.SetState(state);
        Assert.Equal(first, Torch.Randn(new[] { 50 }, g).ToArray());
        Assert.Equal(firstSmall, Torch.Randn(new[] { 5 }, g).ToArray());
        var clone = g.Clone();
        Assert.Equal(Torch.Rand(new[] { 10 }, g).ToArray(), Torch.Rand(new[] { 10 }, clone).ToArray());
    }

    [Fact]
    public void SetState_rejects_a_state_of_the_wrong_size()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Generator().SetState(new byte[100]));
        Assert.Contains("5056", ex.Message);
        Assert.Contains("100", ex.Message);
    }

    [Fact]
    public void Fill_and_Zero_set_every_element_of_a_strided_view()
    {
        var x = Torch.Ones(3, 4);
        x.T().Fill_(2.5f);
        Assert.All(x.ToArray(), v => Assert.Equal(2.5f, v));
        var rows = Torch.Ones(4, 3).T();
        rows.Zero_();
        Assert.All(rows.ToArray(), v => Assert.Equal(0f, v));
        var l = Torch.Zeros(new[] { 2, 2 }, DType.Int64).Fill_(7);
        Assert.Equal(new long[] { 7, 7, 7, 7 }, l.ToArray<long>());
    }

    [Fact]
    public void Random_fills_on_a_leaf_that_requires_grad_are_refused_outside_NoGrad()
    {
        var w = Torch.Empty(3, 3).RequiresGrad_();
        Assert.Throws<InvalidOperationException>(() => w.Uniform_(-1, 1));
        using (Lumen.Autograd.Autograd.NoGrad()) w.Uniform_(-1, 1);
        Assert.True(w.RequiresGrad);
        Assert.True(w.IsLeaf);
    }

    [Fact]
    public void A_filled_non_leaf_gets_PyTorchs_grad_fn_and_passes_zero_gradient_back()
    {
        var x = Torch.Ones(3).RequiresGrad_();
        var y = x.Mul(2f);
        y.Normal_(generator: new Generator(1));
        Assert.Equal("NormalBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Assert.All(x.Grad?.ToArray() ?? new float[3], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Bad_arguments_name_the_op_and_the_value()
    {
        Assert.Contains("from=2", Assert.Throws<ArgumentException>(() => Torch.Empty(3).Uniform_(2, 1)).Message);
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => Torch.Empty(3).Normal_(0, -1)).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() => Torch.Empty(3).Bernoulli_(1.5)).Message);
        Assert.Contains("from=4", Assert.Throws<ArgumentException>(() => Torch.RandInt(4, 4, new[] { 2 })).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => Torch.Zeros(new[] { 2 }, DType.Int64).Uniform_()).Message);
    }

    [Fact]
    public void Randn_of_a_large_tensor_has_standard_normal_moments()
    {
        var x = Torch.Randn(new[] { 100_000 }, new Generator(2024)).ToArray();
        double mean = x.Average(v => (double)v), var = x.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(var, 0.98, 1.02);
    }
}

/// <summary>The global generator: run alone, since other tests may draw from it concurrently.</summary>
[CollectionDefinition("GlobalRng", DisableParallelization = true)]
public class GlobalRngCollection { }

[Collection("GlobalRng")]
public class GlobalGeneratorTests
{
    [Fact]
    public void ManualSeed_0_then_Rand_3_gives_torch_rand_3_after_torch_manual_seed_0()
    {
        Torch.ManualSeed(0);
        var rand5 = Fixtures.Case("random", "rand_5").Tensor("out").ToArray();
        Assert.Equal(rand5.Take(3).ToArray(), Torch.Rand(3).ToArray());
    }

    [Fact]
    public void RngState_round_trip_through_the_global_generator()
    {
        Torch.ManualSeed(17);
        Assert.Equal(17, Torch.InitialSeed());
        var s = Torch.GetRngState();
        var a = Torch.Randn(20).ToArray();
        Torch.SetRngState(s);
        Assert.Equal(a, Torch.Randn(20).ToArray());
    }
}
