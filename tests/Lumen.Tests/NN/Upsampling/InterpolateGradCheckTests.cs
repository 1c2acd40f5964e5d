using Lumen.Autograd;
using Lumen.NN;
using Lumen.Tests.NN.Pooling;
using Xunit;

namespace Lumen.Tests.NN.Upsampling;

/// <summary>Finite-difference gradient checks of every interpolation mode. (No nearest case maps a size to exactly twice
/// itself on a multi-channel input: there PyTorch's forward and backward index rules differ, see F.Interpolate.)</summary>
public class InterpolateGradCheckTests
{
    public static TheoryData<string> Modes() => new()
    {
        "nearest1d", "nearest2d_scale", "nearest2d_down", "nearest3d", "nearest_exact2d", "linear1d", "bilinear", "bilinear_ac",
        "bilinear_down", "trilinear", "trilinear_ac",
    };

    private static (Func<Tensor, Tensor>, int[]) G(Func<Tensor, Tensor> f, int[] shape) => (f, shape);

    [Theory]
    [MemberData(nameof(Modes))]
    public void Interpolation_mode_passes_gradcheck(string mode)
    {
        (Func<Tensor, Tensor> f, int[] shape) = mode switch
        {
            "nearest1d" => G(x => F.Interpolate(x, scaleFactor: 1.7), new[] { 2, 2, 5 }),
            "nearest2d_scale" => G(x => F.Interpolate(x, scaleFactor: (1.5, 2.6)), new[] { 1, 2, 4, 3 }),
            "nearest2d_down" => G(x => F.Interpolate(x, size: (3, 2)), new[] { 1, 2, 7, 5 }),
            "nearest3d" => G(x => F.Interpolate(x, scaleFactor: 2), new[] { 1, 1, 2, 3, 2 }),
            "nearest_exact2d" => G(x => F.Interpolate(x, scaleFactor: 1.7, mode: "nearest-exact"), new[] { 1, 2, 4, 5 }),
            "linear1d" => G(x => F.Interpolate(x, scaleFactor: 2.5, mode: "linear"), new[] { 2, 2, 4 }),
            "bilinear" => G(x => F.Interpolate(x, size: (5, 7), mode: "bilinear"), new[] { 2, 1, 3, 4 }),
            "bilinear_ac" => G(x => F.Interpolate(x, scaleFactor: (1.5, 2.3), mode: "bilinear", alignCorners: true), new[] { 1, 2, 4, 3 }),
            "bilinear_down" => G(x => F.Interpolate(x, scaleFactor: 0.6, mode: "bilinear"), new[] { 1, 1, 7, 9 }),
            "trilinear" => G(x => F.Interpolate(x, size: (3, 4, 5), mode: "trilinear"), new[] { 1, 2, 2, 3, 3 }),
            "trilinear_ac" => G(x => F.Interpolate(x, scaleFactor: 1.5, mode: "trilinear", alignCorners: true), new[] { 1, 1, 2, 3, 3 }),
            _ => throw new ArgumentException(mode),
        };
        GradCheck.Assert(xs => f(xs[0]), PoolData.Randn(mode.Length, shape));
    }
}
