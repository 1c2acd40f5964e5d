using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class JoinTests
{
    // Each name is a case in gen_reduce_index.py; the lambda is the Lumen twin of the PyTorch call there.
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["cat_dim0"] = x => Torch.Cat(x, 0),
        ["cat_dim_neg"] = x => Torch.Cat(x, -1),
        ["cat_skips_legacy_empty"] = x => Torch.Cat(x, 0),
        ["stack_dim0"] = x => Torch.Stack(x, 0),
        ["stack_dim_neg"] = x => Torch.Stack(x, -1),
        ["repeat"] = x => x[0].Repeat(2, 1, 3),
        ["flip"] = x => x[0].Flip(0, 2),
    };

    private static readonly Dictionary<string, Func<Tensor[], Tensor[]>> SplitOps = new()
    {
        ["split_int"] = x => x[0].Split(3, 0),
        ["split_sizes"] = x => x[0].Split(new[] { 1, 2, 3 }, 1),
        ["chunk"] = x => x[0].Chunk(3, 0),
        ["chunk_fewer"] = x => x[0].Chunk(4, 0),
        ["unbind"] = x => x[0].Unbind(1),
    };

    public static IEnumerable<object[]> Cases => Ops.Keys.Select(k => new object[] { k });
    public static IEnumerable<object[]> SplitCases => SplitOps.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Join_matches_PyTorch_forward_grad_fn_and_input_gradients(string name) => OpFixture.Check(name, Ops[name]);

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void Split_matches_PyTorch_pieces_grad_fn_and_input_gradient(string name) => OpFixture.CheckMany(name, SplitOps[name]);

    // Multi-output ops are checked through a single tensor that weights every piece differently.
    private static Tensor Weighted(Tensor[] pieces, int dim) => Torch.Cat(pieces.Select((p, i) => p.Mul(i + 1f)).ToArray(), dim);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> F, Func<Tensor[]> Inputs)> Differentiable = new()
    {
        ["cat"] = (x => Torch.Cat(x, 1), () => new[] { OpFixture.Spread(1, 2, 3), OpFixture.Spread(2, 2, 1), OpFixture.Spread(3, 2, 2) }),
        ["stack"] = (x => Torch.Stack(x, 1), () => new[] { OpFixture.Spread(1, 2, 3), OpFixture.Spread(2, 2, 3) }),
        ["split"] = (x => Weighted(x[0].Split(2, 1), 1), () => new[] { OpFixture.Spread(1, 2, 5) }),
        ["split_sizes"] = (x => Weighted(x[0].Split(new[] { 3, 0, 2 }, 0), 0), () => new[] { OpFixture.Spread(1, 5, 2) }),
        ["chunk"] = (x => Weighted(x[0].Chunk(2, -1), -1), () => new[] { OpFixture.Spread(1, 2, 5) }),
        ["unbind"] = (x => Torch.Stack(x[0].Unbind(0).Select((p, i) => p.Mul(i + 1f)).ToArray()), () => new[] { OpFixture.Spread(1, 3, 4) }),
        ["repeat"] = (x => x[0].Repeat(3, 2), () => new[] { OpFixture.Spread(1, 2, 3) }),
        ["repeat_new_dims"] = (x => x[0].Repeat(2, 1, 2), () => new[] { OpFixture.Spread(1, 3) }),
        ["flip"] = (x => x[0].Flip(-1, 0), () => new[] { OpFixture.Spread(1, 2, 3, 2) }),
    };

    public static IEnumerable<object[]> DifferentiableCases => Differentiable.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(DifferentiableCases))]
    public void Join_op_passes_gradcheck(string name)
    {
        var (f, inputs) = Differentiable[name];
        GradCheck.Assert(f, inputs());
    }

    [Fact]
    public void Cat_promotes_dtypes_and_concatenates_int64_labels()
    {
        var a = Torch.Tensor(new long[] { 1, 2 }, 2);
        var b = Torch.Tensor(new long[] { 3 }, 1);
        var ab = Torch.Cat(new[] { a, b });
        Assert.Equal(DType.Int64, ab.DType);
        Assert.Equal(new long[] { 1, 2, 3 }, ab.ToArray<long>());
        var mixed = Torch.Cat(new[] { a, Torch.Ones(1) });
        Assert.Equal(DType.Float32, mixed.DType);
        TensorAssert.Values(new float[] { 1, 2, 1 }, mixed);
    }

    [Fact]
    public void Cat_of_transposed_views_reads_their_logical_order()
    {
        var x = Torch.Arange(0f, 6f).View(2, 3);
        var c = Torch.Cat(new[] { x.T(), x.T() }, 1);
        TensorAssert.Values(new float[] { 0, 3, 0, 3, 1, 4, 1, 4, 2, 5, 2, 5 }, c);
    }

    [Fact]
    public void Split_and_chunk_pieces_are_views_of_the_input()
    {
        var x = Torch.Zeros(6, 2);
        var pieces = x.Chunk(3);
        using (Lumen.Autograd.Autograd.NoGrad()) pieces[1].Add_(1f);
        TensorAssert.Values(new float[] { 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0 }, x);
        Assert.Equal(new[] { 2, 2, 2 }, pieces.Select(p => p.Size(0)).ToArray());
    }

    [Fact]
    public void Cat_shape_mismatch_names_every_shape()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Torch.Cat(new[] { Torch.Zeros(2, 3), Torch.Zeros(2, 4), Torch.Zeros(3, 3) }, 0));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
        Assert.Contains("tensor number 1", ex.Message);
        var rank = Assert.Throws<ShapeMismatchException>(() => Torch.Cat(new[] { Torch.Zeros(2, 3), Torch.Zeros(2, 3, 1) }, 0));
        Assert.Contains("[2, 3, 1]", rank.Message);
        Assert.Contains("got 2", Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Cat(new[] { Torch.Zeros(2, 3) }, 2)).Message);
    }

    [Fact]
    public void Stack_shape_mismatch_names_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Torch.Stack(new[] { Torch.Zeros(2, 3), Torch.Zeros(3, 2) }));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Contains("got 3", Assert.Throws<ArgumentOutOfRangeException>(() => Torch.Stack(new[] { Torch.Zeros(2) }, 3)).Message);
    }

    [Fact]
    public void Split_chunk_and_repeat_reject_bad_sizes_naming_them()
    {
        var x = Torch.Zeros(5, 2);
        Assert.Contains("[2, 2]", Assert.Throws<ArgumentException>(() => x.Split(new[] { 2, 2 })).Message);
        Assert.Contains("got 0", Assert.Throws<ArgumentException>(() => x.Chunk(0)).Message);
        Assert.Contains("(1)", Assert.Throws<ArgumentException>(() => x.Repeat(3)).Message);
        Assert.Contains("got 2", Assert.Throws<ArgumentOutOfRangeException>(() => x.Unbind(2)).Message);
        Assert.Contains("[0, 0]", Assert.Throws<ArgumentException>(() => x.Flip(0, 0)).Message);
    }
}
