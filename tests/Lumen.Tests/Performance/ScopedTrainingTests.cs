using Lumen.NN;
using Lumen.Optim;
using Xunit;
using Xunit.Abstractions;

namespace Lumen.Tests.Performance;

/// <summary>A training step inside <see cref="Torch.NewDisposeScope"/> reuses the previous step's memory: after warm-up it
/// allocates almost nothing, and its results are the same bits as without a scope. In the GlobalRng collection, which
/// runs alone: it seeds the global generator, and GC.GetTotalAllocatedBytes counts every thread of the process.</summary>
[Collection("GlobalRng")]
public class ScopedTrainingTests
{
    private readonly ITestOutputHelper _out;
    public ScopedTrainingTests(ITestOutputHelper output) => _out = output;

    /// <summary>Conv, BatchNorm, ReLU, max-pool, linear: the layers of seed 004's MNIST CNN, smaller.</summary>
    private sealed class SmallCnn : Module
    {
        public readonly Sequential Features;
        public readonly Linear Fc;

        public SmallCnn()
        {
            Features = RegisterModule("features", new Sequential(
                new Conv2d(1, 8, 3, padding: 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
                new Conv2d(8, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2)));
            Fc = RegisterModule("fc", new Linear(16 * 7 * 7, 10));
        }

        public override Tensor Forward(Tensor x) => Fc.Call(Torch.Flatten(Features.Call(x), startDim: 1));
    }

    private sealed record Setup(SmallCnn Model, Optimizer Opt, CrossEntropyLoss Loss, Tensor X, Tensor Y);

    private static Setup Make(bool adam)
    {
        Torch.ManualSeed(11);
        var model = new SmallCnn();
        var x = Torch.Randn(32, 1, 28, 28);
        var y = Torch.RandInt(0, 10, new[] { 32 });
        Optimizer opt = adam ? new Adam(model.Parameters()) : new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        return new Setup(model, opt, new CrossEntropyLoss(), x, y);
    }

    private static float Step(Setup s, bool scoped, bool setToNone = false)
    {
        using var scope = scoped ? Torch.NewDisposeScope() : null;
        var loss = s.Loss.Call(s.Model.Call(s.X), s.Y);
        s.Opt.ZeroGrad(setToNone);
        loss.Backward();
        s.Opt.Step();
        return loss.Item();
    }

    private static long AllocatedPerStep(Setup s, bool scoped, bool setToNone, int steps)
    {
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < steps; i++) Step(s, scoped, setToNone);
        return (GC.GetTotalAllocatedBytes(precise: true) - a0) / steps;
    }

    [Theory]
    [InlineData(false)]   // gradients zeroed in place (PyTorch 1.13's default, the benchmark's)
    [InlineData(true)]    // gradients dropped (the Trainer's): the scope recycles them
    public void A_scoped_training_step_with_Adam_allocates_less_than_1_MB_after_warm_up(bool setToNone)
    {
        var s = Make(adam: true);
        for (int i = 0; i < 3; i++) Step(s, scoped: true, setToNone);   // warm-up: optimizer state, pool, JIT
        long scoped = AllocatedPerStep(s, scoped: true, setToNone, steps: 5);
        long plain = AllocatedPerStep(s, scoped: false, setToNone, steps: 5);
        _out.WriteLine($"managed bytes per step: {scoped / 1024} KiB in a DisposeScope, {plain / 1024} KiB without");
        Assert.True(scoped < 1 << 20, $"a scoped step allocated {scoped / 1024} KiB (without a scope: {plain / 1024} KiB)");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Five_steps_with_and_without_scopes_give_bitwise_identical_losses_weights_buffers_and_state(bool adam)
    {
        float[][] Run(bool scoped, out float[] losses, out float[][] state)
        {
            var s = Make(adam);
            losses = new float[5];
            for (int i = 0; i < 5; i++) losses[i] = Step(s, scoped, setToNone: i % 2 == 0);
            state = s.Opt.State.Values.SelectMany(d => d.Values.OfType<Tensor>()).Select(t => t.ToArray()).ToArray();
            return s.Model.Parameters().Select(p => p.ToArray())
                .Concat(s.Model.Parameters().Select(p => p.Grad!.ToArray()))
                .Concat(s.Model.Buffers().Where(b => b.DType == DType.Float32).Select(b => b.ToArray()))
                .ToArray();
        }
        var plain = Run(scoped: false, out var plainLosses, out var plainState);
        var scoped = Run(scoped: true, out var scopedLosses, out var scopedState);
        Assert.Equal(plainLosses, scopedLosses);
        Assert.Equal(plain.Length, scoped.Length);
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], scoped[i]);
        Assert.Equal(plainState.Length, scopedState.Length);
        for (int i = 0; i < plainState.Length; i++) Assert.Equal(plainState[i], scopedState[i]);
    }

    /// <summary>A global average pool's backward hands ReLU's backward an expanded (stride-0) gradient; reading it
    /// gathers a contiguous copy (ResNet's last block: 800 KB a step at batch 8), which must come from the pool.</summary>
    [Fact]
    public void A_strided_gradient_read_by_ReLU_backward_is_gathered_into_a_pooled_buffer_not_a_new_array()
    {
        Torch.ManualSeed(3);
        var model = new Sequential(new Conv2d(1, 8, 3), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(8, 4));
        var x = Torch.Randn(16, 1, 64, 64);   // the ReLU output: 16·8·62·62 floats = 1.9 MB
        var y = Torch.RandInt(0, 4, new[] { 16 });
        var opt = new SGD(model.Parameters(), lr: 0.01);
        var lossFn = new CrossEntropyLoss();
        void Step()
        {
            using var scope = Torch.NewDisposeScope();
            var loss = lossFn.Call(model.Call(x), y);
            opt.ZeroGrad(setToNone: false);
            loss.Backward();
            opt.Step();
        }
        for (int i = 0; i < 3; i++) Step();
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 4; i++) Step();
        long perStep = (GC.GetTotalAllocatedBytes(precise: true) - a0) / 4;
        _out.WriteLine($"managed bytes per step: {perStep / 1024} KiB");
        Assert.True(perStep < 512 * 1024, $"a scoped step allocated {perStep / 1024} KiB (the strided gradient alone is 1,937 KiB)");
    }

    /// <summary>BatchNorm's per-channel scratch (mean, 1/std, affine coefficients, the running statistics' update, the
    /// backward's sums and weight/bias gradients) is rented for the step, not allocated: 20 such layers a ResNet-18 step.</summary>
    [Fact]
    public void A_scoped_BatchNorm_step_allocates_no_per_channel_arrays_after_warm_up()
    {
        Torch.ManualSeed(5);
        var bn = new BatchNorm2d(512);
        var x = Torch.Randn(4, 512, 3, 3);
        var opt = new SGD(bn.Parameters(), lr: 0.1);
        void Step()
        {
            using var scope = Torch.NewDisposeScope();
            var y = bn.Call(x);
            var loss = y.Mul(y).Mean();
            opt.ZeroGrad(setToNone: false);
            loss.Backward();
            opt.Step();
        }
        for (int i = 0; i < 3; i++) Step();
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 10; i++) Step();
        long perStep = (GC.GetTotalAllocatedBytes(precise: true) - a0) / 10;
        _out.WriteLine($"managed bytes per step: {perStep}");
        // One 512-channel float array is 2 KB: with them the step allocated 45 KB; without, 11 KB of graph objects.
        Assert.True(perStep < 20 * 1024, $"a scoped BatchNorm step allocated {perStep} bytes");
    }
}
