using Lumen.NN;
using Lumen.Optim;
using Xunit;

namespace Lumen.Tests.Performance;

/// <summary>A fixed seed and thread count make training reproducible bit for bit: parallel kernels split work in
/// fixed pieces and sum in a fixed order, and recycled buffers never leak stale values into results.</summary>
[Collection("GlobalRng")]
public class DeterminismTests
{
    private sealed class SmallCnn : Module
    {
        public readonly Sequential Features;
        public readonly Linear Fc;

        public SmallCnn()
        {
            Features = RegisterModule("features", new Sequential(
                new Conv2d(3, 8, 3, padding: 1), new BatchNorm2d(8), new ReLU(inplace: true), new MaxPool2d(2),
                new Conv2d(8, 16, 3), new ReLU(), new MaxPool2d(2)));
            Fc = RegisterModule("fc", new Linear(16 * 3 * 3, 5));
        }

        public override Tensor Forward(Tensor x) => Fc.Call(Torch.Flatten(Features.Call(x), startDim: 1));
    }

    private static float[][] Train(bool adam, int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            Torch.ManualSeed(7);
            var model = new SmallCnn();
            var x = Torch.Randn(32, 3, 16, 16);
            var y = Torch.RandInt(0, 5, new[] { 32 });
            Optimizer opt = adam ? new Adam(model.Parameters()) : new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
            var lossFn = new CrossEntropyLoss();
            for (int step = 0; step < 4; step++)
            {
                var loss = lossFn.Call(model.Call(x), y);
                opt.ZeroGrad(setToNone: step % 2 == 0);
                loss.Backward();
                opt.Step();
            }
            return model.Parameters().Select(p => p.ToArray<float>()).Concat(model.Buffers().Where(b => b.DType == DType.Float32).Select(b => b.ToArray<float>())).ToArray();
        }
        finally { Torch.SetNumThreads(saved); }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public void Two_seeded_training_runs_of_a_small_CNN_give_bitwise_identical_weights(bool adam, int threads)
    {
        var a = Train(adam, threads);
        var b = Train(adam, threads);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Length, b[i].Length);
            for (int j = 0; j < a[i].Length; j++)
                Assert.True(BitConverter.SingleToInt32Bits(a[i][j]) == BitConverter.SingleToInt32Bits(b[i][j]),
                            $"tensor {i} element {j}: {a[i][j]:R} vs {b[i][j]:R}");
        }
        // The weights really moved, so the comparison is not between two untouched initialisations.
        Torch.ManualSeed(7);
        var init = new SmallCnn().Parameters().First().ToArray<float>();
        Assert.NotEqual(init, a[0]);
    }
}
