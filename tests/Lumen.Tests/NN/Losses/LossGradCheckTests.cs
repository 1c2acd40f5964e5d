using Lumen.Autograd;
using Lumen.NN;
using Xunit;

namespace Lumen.Tests.NN.Losses;

/// <summary>Finite-difference checks of every loss w.r.t. its input, and w.r.t. the target wherever PyTorch makes the
/// target differentiable (regression losses, BCE, soft cross-entropy targets, KL divergence), for each reduction.</summary>
public class LossGradCheckTests
{
    /// <summary>Uniform values in [lo, hi] (System.Random, so the test does not touch the global generator).</summary>
    private static Tensor U(int seed, float lo, float hi, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++) d[i] = (float)(lo + rng.NextDouble() * (hi - lo));
        return Torch.Tensor(d, shape);
    }

    /// <summary>A target that keeps |input − target| at least <paramref name="gap"/> away from each kink.</summary>
    private static Tensor AwayFrom(Tensor input, int seed, float gap, params float[] kinks)
    {
        var rng = new Random(seed);
        var x = input.ToArray();
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float d;
            do d = (float)((rng.NextDouble() * 2 - 1) * 3);
            while (kinks.Any(k => Math.Abs(Math.Abs(d) - k) < gap));
            y[i] = x[i] - d;
        }
        return Torch.Tensor(y, input.Shape.ToArray());
    }

    private static Tensor Labels(params long[] v) => Torch.Tensor(v);

    public static TheoryData<string> Reductions() => new() { "mean", "sum", "none" };

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Regression_losses_pass_gradcheck_for_input_and_target(string reduction)
    {
        var x = U(1, -2, 2, 3, 4);
        GradCheck.Assert(t => F.MseLoss(t[0], t[1], reduction), x, U(2, -2, 2, 3, 4));
        GradCheck.Assert(t => F.MseLoss(t[0], t[1], reduction), x, U(3, -2, 2, 4)); // broadcast target
        GradCheck.Assert(t => F.L1Loss(t[0], t[1], reduction), x, AwayFrom(x, 4, 0.05f, 0f));
        GradCheck.Assert(t => F.SmoothL1Loss(t[0], t[1], reduction), x, AwayFrom(x, 5, 0.05f, 1f));
        GradCheck.Assert(t => F.SmoothL1Loss(t[0], t[1], reduction, beta: 0.5f), x, AwayFrom(x, 6, 0.05f, 0.5f));
        GradCheck.Assert(t => F.HuberLoss(t[0], t[1], reduction), x, AwayFrom(x, 7, 0.05f, 1f));
        GradCheck.Assert(t => F.HuberLoss(t[0], t[1], reduction, delta: 2f), x, AwayFrom(x, 8, 0.05f, 2f));
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Cross_entropy_with_class_targets_passes_gradcheck_in_every_configuration(string reduction)
    {
        var x = U(10, -3, 3, 5, 4);
        var t = Labels(1, 0, 3, 2, 3);
        var ign = Labels(1, -100, 3, 2, -100);
        var w = Torch.Tensor(new[] { 0.5f, 2f, 1f, 1.5f });
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], reduction: reduction), x, t);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], weight: w, reduction: reduction), x, ign);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], weight: w, reduction: reduction, labelSmoothing: 0.2f), x, ign);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], ignoreIndex: 2, reduction: reduction, labelSmoothing: 0.3f), x, t);
        // per pixel: [N, C, H, W] with [N, H, W] targets, and the unbatched [C] form
        var px = U(11, -3, 3, 2, 3, 2, 3);
        var pt = Torch.Tensor(new long[] { 0, 2, 1, 1, -100, 2, 2, 0, 0, 1, 2, 1 }, 2, 2, 3);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], weight: Torch.Tensor(new[] { 1f, 0.5f, 2f }), reduction: reduction, labelSmoothing: 0.1f), px, pt);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], reduction: reduction), U(12, -3, 3, 6), Torch.Scalar(4L));
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Cross_entropy_with_probability_targets_passes_gradcheck_for_input_and_target(string reduction)
    {
        var x = U(20, -3, 3, 3, 4);
        var p = U(21, -1, 1, 3, 4).Softmax(1);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], reduction: reduction), x, p);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], weight: Torch.Tensor(new[] { 1f, 2f, 0.5f, 1f }), reduction: reduction,
                                             labelSmoothing: 0.2f), x, p);
        GradCheck.Assert(a => F.CrossEntropy(a[0], a[1], reduction: reduction), U(22, -3, 3, 2, 3, 4), U(23, -1, 1, 2, 3, 4).Softmax(1));
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Nll_loss_passes_gradcheck_on_2d_3d_and_4d_inputs(string reduction)
    {
        var w = Torch.Tensor(new[] { 1f, 0.3f, 2f });
        GradCheck.Assert(a => F.NllLoss(a[0], a[1], weight: w, reduction: reduction), U(30, -3, 0, 4, 3), Labels(2, 0, 1, 1));
        GradCheck.Assert(a => F.NllLoss(a[0], a[1], weight: w, ignoreIndex: 1, reduction: reduction), U(31, -3, 0, 2, 3, 4),
                         Torch.Tensor(new long[] { 0, 1, 2, 2, 1, 0, 0, 2 }, 2, 4));
        GradCheck.Assert(a => F.NllLoss(a[0], a[1], reduction: reduction), U(32, -3, 0, 2, 3, 2, 2),
                         Torch.Tensor(new long[] { 0, 1, 2, 2, 1, 0, 0, 2 }, 2, 2, 2));
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Binary_cross_entropy_losses_pass_gradcheck_for_input_and_target(string reduction)
    {
        var y = U(41, 0, 1, 4, 3);
        GradCheck.Assert(a => F.BinaryCrossEntropy(a[0], a[1], reduction: reduction), U(40, 0.05f, 0.95f, 4, 3), y);
        GradCheck.Assert(a => F.BinaryCrossEntropy(a[0], a[1], weight: Torch.Tensor(new[] { 0.5f, 1f, 2f }), reduction: reduction),
                         U(42, 0.05f, 0.95f, 4, 3), y);
        var logits = U(43, -4, 4, 4, 3);
        GradCheck.Assert(a => F.BinaryCrossEntropyWithLogits(a[0], a[1], reduction: reduction), logits, y);
        GradCheck.Assert(a => F.BinaryCrossEntropyWithLogits(a[0], a[1], weight: U(44, 0.5f, 1.5f, 4, 1), reduction: reduction,
                                                             posWeight: Torch.Tensor(new[] { 0.5f, 2f, 3f })), logits, y);
    }

    [Theory]
    [InlineData("mean")] [InlineData("sum")] [InlineData("none")] [InlineData("batchmean")]
    public void Kl_divergence_passes_gradcheck_for_input_and_target(string reduction)
    {
        var x = U(50, -2, 2, 3, 4).LogSoftmax(1);
        GradCheck.Assert(a => F.KlDiv(a[0], a[1], reduction), x, U(51, -1, 1, 3, 4).Softmax(1));
        GradCheck.Assert(a => F.KlDiv(a[0], a[1], reduction, logTarget: true), x, U(52, -1, 1, 3, 4).LogSoftmax(1));
    }
}
