using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Upsampling;

/// <summary>F.Interpolate against PyTorch 1.13 (tests/Fixtures/gen_pool.py): nearest (legacy floor(dst·scale) rule),
/// nearest-exact, linear/bilinear/trilinear with align_corners false and true, sizes and non-integer scale factors.</summary>
public class InterpolateFixtureTests
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string> { "near2d_x2", "near2d_size", "near2d_scale", "near2d_down", "near1d_scale", "near1d_recompute", "near3d",
                                         "near1d_x21", "near1d_same", "near2d_x21", "near2d_x21_c1", "near3d_x21", "near3d_x21_c1",
                                         "nearx2d_scale", "nearx2d_size", "bil_recompute", "bil_same" };
        foreach (var s in new[] { "noac", "ac" })
            foreach (var c in new[] { "bil_x2", "bil_size", "bil_scale", "bil_down", "bil_scale06", "lin1d", "tri3d" })
                d.Add($"{c}_{s}");
        return d;
    }

    private static Tensor Run(string name, Tensor x)
    {
        bool? ac = name.EndsWith("_ac") ? true : name.EndsWith("_noac") ? false : null;
        string stem = ac == null ? name : name[..name.LastIndexOf('_')];
        return stem switch
        {
            "near2d_x2" => F.Interpolate(x, scaleFactor: 2),
            "near2d_size" => F.Interpolate(x, size: (5, 7)),
            "near2d_scale" => F.Interpolate(x, scaleFactor: (1.5, 2.3)),
            "near2d_down" => F.Interpolate(x, size: (3, 2)),
            "near1d_scale" => F.Interpolate(x, scaleFactor: 1.7),
            "near1d_recompute" => F.Interpolate(x, scaleFactor: 1.7, recomputeScaleFactor: true),
            "near3d" => F.Interpolate(x, scaleFactor: (2, 1.5, 0.5)),
            "near1d_x21" => F.Interpolate(x, scaleFactor: 2.1),
            "near1d_same" => F.Interpolate(x, scaleFactor: 1.1),
            "near2d_x21" or "near2d_x21_c1" => F.Interpolate(x, scaleFactor: (1.1, 2.1)),
            "near3d_x21" or "near3d_x21_c1" => F.Interpolate(x, scaleFactor: (2.1, 1.1, 1)),
            "nearx2d_scale" => F.Interpolate(x, scaleFactor: 1.7, mode: "nearest-exact"),
            "nearx2d_size" => F.Interpolate(x, size: (3, 8), mode: "nearest-exact"),
            "bil_same" => F.Interpolate(x, scaleFactor: (1.1, 1.7), mode: "bilinear"),
            "bil_recompute" => F.Interpolate(x, scaleFactor: 1.7, mode: "bilinear", recomputeScaleFactor: true),
            "bil_x2" => F.Interpolate(x, scaleFactor: 2, mode: "bilinear", alignCorners: ac),
            "bil_size" => F.Interpolate(x, size: (5, 7), mode: "bilinear", alignCorners: ac),
            "bil_scale" => F.Interpolate(x, scaleFactor: (1.5, 2.3), mode: "bilinear", alignCorners: ac),
            "bil_down" => F.Interpolate(x, size: (2, 3), mode: "bilinear", alignCorners: ac),
            "bil_scale06" => F.Interpolate(x, scaleFactor: 0.6, mode: "bilinear", alignCorners: ac),
            "lin1d" => F.Interpolate(x, scaleFactor: 2.5, mode: "linear", alignCorners: ac),
            "tri3d" => F.Interpolate(x, size: (3, 4, 5), mode: "trilinear", alignCorners: ac),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Interpolate_matches_PyTorch_forward_grad_fn_and_input_gradient(string name)
    {
        var c = Fixtures.Case("pool", name);
        var x = c.Tensor("x").RequiresGrad_();
        var y = Run(name, x);
        TensorAssert.Close(c.Tensor("out"), y, 1e-5, name + " forward");
        Assert.Equal(c.Str("grad_fn"), y.GradFn!.Name);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Tensor("gx"), x.Grad!, 1e-5, name + " input gradient");
    }

    [Fact]
    public void Interpolate_rejects_what_PyTorch_rejects()
    {
        var x4 = Torch.Zeros(1, 1, 3, 3);
        Assert.Throws<ArgumentException>(() => F.Interpolate(x4, scaleFactor: 2, alignCorners: true));
        Assert.Throws<ArgumentException>(() => F.Interpolate(Torch.Zeros(1, 1, 3), scaleFactor: 2, mode: "bilinear"));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x4, size: 4, scaleFactor: 2));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x4));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x4, size: 4, recomputeScaleFactor: true));
        Assert.Throws<ShapeMismatchException>(() => F.Interpolate(Torch.Zeros(3, 3), scaleFactor: 2));
        Assert.Throws<ShapeMismatchException>(() => F.Interpolate(x4, size: (2, 2, 2)));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x4, scaleFactor: 0.2));
    }
}
