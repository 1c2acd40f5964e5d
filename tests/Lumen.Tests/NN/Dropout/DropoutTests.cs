using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN;

[Collection("GlobalRng")]
public class DropoutTests
{
    private static Func<Tensor, Tensor> Fn(string name) => name switch
    {
        "dropout_p03" => x => F.Dropout(x, 0.3),
        "dropout_p05_3d" => x => new Dropout().Call(x),
        "dropout_p09" => x => F.Dropout(x, 0.9),
        "dropout1d" => x => new Dropout1d(0.4).Call(x),
        "dropout1d_unbatched" => x => F.Dropout1d(x, 0.4),
        "dropout2d" => x => new Dropout2d(0.5).Call(x),
        "dropout2d_3d_input" => x => F.Dropout2d(x, 0.5),
        "dropout3d" => x => new Dropout3d(0.25).Call(x),
        "dropout3d_unbatched" => x => F.Dropout3d(x, 0.25),
        "alpha_dropout" => x => F.AlphaDropout(x, 0.2, training: true),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("dropout_p03")]
    [InlineData("dropout_p05_3d")]
    [InlineData("dropout_p09")]
    [InlineData("dropout1d")]
    [InlineData("dropout1d_unbatched")]
    [InlineData("dropout2d")]
    [InlineData("dropout2d_3d_input")]
    [InlineData("dropout3d")]
    [InlineData("dropout3d_unbatched")]
    [InlineData("alpha_dropout")]
    public void Seeded_dropout_reproduces_PyTorchs_mask_output_and_gradient(string name)
    {
        var c = LayerCase.Get(name);
        var x = c.Tensor("x").RequiresGrad_();
        Torch.ManualSeed(0);
        var y = Fn(name)(x);
        TensorAssert.Equal(c.Tensor("mask"), y.Detach().Ne(Torch.Scalar(0f)), name + " mask");
        TensorAssert.Close(c.Tensor("y"), y, 1e-6, name);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("dx"), x.Grad!, 1e-6, name + " dx");
        Assert.Equal(name == "alpha_dropout" ? "AddBackward0" : "MulBackward0", y.GradFn!.Name);
    }

    [Fact]
    public void Consecutive_dropout_calls_continue_PyTorchs_random_stream()
    {
        var c = LayerCase.Get("dropout_consecutive");
        Torch.ManualSeed(0);
        var a = F.Dropout(Torch.Ones(1000), 0.3);
        var b = F.Dropout(Torch.Ones(1000), 0.3);
        TensorAssert.Equal(c.Tensor("first"), a.Ne(Torch.Scalar(0f)));
        TensorAssert.Equal(c.Tensor("second"), b.Ne(Torch.Scalar(0f)));
    }

    [Fact]
    public void Eval_mode_and_p_zero_return_the_input_itself()
    {
        var x = Torch.Randn(3, 4);
        var d = new Dropout(0.5);
        d.Eval();
        Assert.Same(x, d.Call(x));
        Assert.Same(x, F.Dropout(x, 0.0));
        Assert.Same(x, new Dropout2d().Train(false).Call(x));
    }

    [Fact]
    public void P_one_zeroes_everything_and_bad_p_is_rejected()
    {
        TensorAssert.Equal(Torch.Zeros(2, 3), F.Dropout(Torch.Randn(2, 3), 1.0));
        Assert.Throws<ArgumentException>(() => new Dropout(1.5));
        Assert.Throws<ArgumentException>(() => F.Dropout(Torch.Randn(2), -0.1));
    }

    [Fact]
    public void Inplace_dropout_writes_the_same_values_into_the_input()
    {
        var c = LayerCase.Get("dropout_p03");
        var x = c.Tensor("x");
        Torch.ManualSeed(0);
        var y = new Dropout(0.3, inplace: true).Call(x);
        Assert.Same(x, y);
        TensorAssert.Close(c.Tensor("y"), x, 1e-6);
    }

    [Theory]
    [InlineData("dropout")] [InlineData("dropout_inplace")] [InlineData("dropout1d")] [InlineData("dropout2d")]
    [InlineData("dropout3d")] [InlineData("alpha_dropout")]
    public void Repr_matches_PyTorch(string key)
    {
        Module m = key switch
        {
            "dropout" => new Dropout(), "dropout_inplace" => new Dropout(0.3, true), "dropout1d" => new Dropout1d(),
            "dropout2d" => new Dropout2d(0.2), "dropout3d" => new Dropout3d(), _ => new AlphaDropout(0.1),
        };
        Assert.Equal(LayerCase.Repr(key), m.ToString());
    }
}
