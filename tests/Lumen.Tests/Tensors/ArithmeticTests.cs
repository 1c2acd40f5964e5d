using Lumen.Autograd;
using Xunit;

namespace Lumen.Tests.Tensors;

public class ArithmeticTests
{
    private static Tensor R(params int[] shape)
    {
        var rng = new Random(shape.Sum() * 7 + shape.Length);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(rng.NextDouble() * 2 - 1);
        return Torch.Tensor(d, shape);
    }

    private static Tensor Positive(params int[] shape) => R(shape).Abs().Add(0.5f);

    [Fact]
    public void Broadcasting_mismatch_names_the_op_and_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Torch.Ones(2, 3).Add(Torch.Ones(4)));
        Assert.Contains("add", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void Integer_tensors_keep_int64_and_division_is_true_division()
    {
        var a = Torch.Tensor(new long[] { 7, 8 }, 2);
        var b = Torch.Tensor(new long[] { 2, 2 }, 2);
        Assert.Equal(DType.Int64, a.Add(b).DType);
        TensorAssert.Values(new float[] { 3.5f, 4 }, a.Div(b));
        Assert.Equal(DType.Float32, a.Div(b).DType);
        Assert.Equal(DType.Float32, a.Add(Torch.Ones(2)).DType);
    }

    [Fact]
    public void Bool_sum_counts_true_elements_as_int64()
    {
        var pred = Torch.Tensor(new long[] { 1, 2, 3, 4 }, 4);
        var labels = Torch.Tensor(new long[] { 1, 0, 3, 4 }, 4);
        var correct = pred.Eq(labels).Sum();
        Assert.Equal(DType.Int64, correct.DType);
        Assert.Equal(3L, correct.Item<long>());
    }

    [Theory]
    [InlineData("add")] [InlineData("sub")] [InlineData("mul")] [InlineData("div")] [InlineData("pow")]
    [InlineData("maximum")] [InlineData("minimum")]
    public void Binary_ops_pass_gradcheck_with_broadcasting(string op)
    {
        Func<Tensor[], Tensor> f = op switch
        {
            "add" => x => x[0].Add(x[1]),
            "sub" => x => x[0].Sub(x[1]),
            "mul" => x => x[0].Mul(x[1]),
            "div" => x => x[0].Div(x[1]),
            "pow" => x => x[0].Pow(x[1]),
            "maximum" => x => x[0].Maximum(x[1]),
            _ => x => x[0].Minimum(x[1]),
        };
        GradCheck.Assert(f, Positive(2, 3, 4), Positive(3, 1));
    }

    [Theory]
    [InlineData("neg")] [InlineData("exp")] [InlineData("log")] [InlineData("sqrt")] [InlineData("abs")]
    [InlineData("sin")] [InlineData("cos")] [InlineData("clamp")] [InlineData("pow_scalar")]
    public void Unary_ops_pass_gradcheck(string op)
    {
        Func<Tensor[], Tensor> f = op switch
        {
            "neg" => x => x[0].Neg(),
            "exp" => x => x[0].Exp(),
            "log" => x => x[0].Log(),
            "sqrt" => x => x[0].Sqrt(),
            "abs" => x => x[0].Abs(),
            "sin" => x => x[0].Sin(),
            "cos" => x => x[0].Cos(),
            "clamp" => x => x[0].Clamp(0.6f, 1.2f),
            _ => x => x[0].Pow(3f),
        };
        GradCheck.Assert(f, Positive(3, 5));
    }

    [Fact]
    public void Ops_on_transposed_views_read_through_strides()
    {
        var a = Torch.Tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var t = a.T();
        Assert.False(t.IsContiguous());
        TensorAssert.Values(new float[] { 2, 8, 4, 10, 6, 12 }, t.Mul(2f));
        TensorAssert.Values(new float[] { 1, 4, 2, 5, 3, 6 }, t.Contiguous());
        TensorAssert.Values(new float[] { 2, 6, 5, 10, 3, 12 }, t.Add(Torch.Tensor(new float[,] { { 1, 2 }, { 3, 5 }, { 0, 6 } })));
    }

    [Fact]
    public void Sum_and_mean_over_dims_match_hand_values_and_gradcheck()
    {
        var a = Torch.Arange(0f, 24f).Reshape(2, 3, 4);
        // column j sums 0+4+8+12+16+20 + 6j over both leading dims
        TensorAssert.Values(new float[] { 60, 66, 72, 78 }, a.Sum(new[] { 0, 1 }));
        Assert.Equal(new Shape(2, 1, 4), a.Mean(1, keepDim: true).Shape);
        GradCheck.Assert(x => x[0].Sum(new[] { 0, 2 }), R(2, 3, 4));
        GradCheck.Assert(x => x[0].Mean(1, keepDim: true), R(2, 3, 4));
        GradCheck.Assert(x => x[0].Mean(), R(2, 3));
    }
}

public class ZeroDimReductionTests
{
    [Fact]
    public void Sum_and_mean_over_dim_0_of_a_0d_tensor_return_it()
    {
        var s = Torch.Scalar(2f).RequiresGrad_();
        var y = s.Sum(0).Add(s.Mean(-1));
        Assert.Equal(0, y.Ndim);
        Assert.Equal(4f, y.Item());
        y.Backward();
        Assert.Equal(2f, s.Grad!.Item());
    }
}
