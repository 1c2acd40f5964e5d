using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Training.Callbacks;
using Xunit;
using static Lumen.Training.Tests.Trainer.TrainerData;

namespace Lumen.Training.Tests.Trainer;

/// <summary>In-process resume: a run stopped by an exception at any batch (a crash that the process survives) resumes
/// with Trainer.Resume and ends with the weights of the uninterrupted run, bit for bit. Dropout, shuffling with the
/// loader's generator, a per-epoch scheduler and early stopping all take part. (The CLI tests kill real processes.)</summary>
[Collection("GlobalRng")]
public sealed class ResumeTests
{
    private sealed class Crash : Exception { }

    private static (Lumen.Training.Trainer Trainer, Sequential Model, Generator LoaderGen) Build(string dir, int? crashAfter)
    {
        Torch.ManualSeed(7);
        var model = Mlp(3);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var sched = new StepLR(opt, stepSize: 1, gamma: 0.7);
        var t = new Lumen.Training.Trainer(model, new CrossEntropyLoss(), opt, sched,
            new TrainerOptions { Epochs = 3, RunDir = dir, CheckpointEveryBatches = 2, WriteReport = false });
        t.Callbacks.Add(new EarlyStopping("valid_loss", patience: 5));
        int seen = 0;
        if (crashAfter is int n) t.Callbacks.Add(new LambdaCallback(onBatchEnd: _ => { if (++seen == n) throw new Crash(); }));
        return (t, model, new Generator(11));
    }

    private static FitResult Fit(Lumen.Training.Trainer t, Generator g) =>
        t.Fit(Loader(Blobs(80, 1), 16, shuffle: true, g: g), Loader(Blobs(30, 2), 10));

    [Theory]
    [InlineData(3)]   // mid-epoch 1, one batch after a checkpoint
    [InlineData(4)]   // exactly at a mid-epoch checkpoint
    [InlineData(5)]   // last batch of epoch 1 (before the epoch-end checkpoint)
    [InlineData(7)]   // mid-epoch 2
    [InlineData(1)]   // before any checkpoint: resume starts from scratch
    public void A_run_stopped_at_any_batch_resumes_to_identical_weights(int crashAfter)
    {
        var (whole, wholeModel, g0) = Build(TempDir(), null);
        var expected = Fit(whole, g0);

        var dir = TempDir();
        var (a, _, g1) = Build(dir, crashAfter);
        Assert.Throws<Crash>(() => Fit(a, g1));

        var (b, model, g2) = Build(dir, null);
        b.Resume();
        var actual = Fit(b, g2);

        Assert.Equal(Weights(wholeModel), Weights(model));
        Assert.Equal(expected.History.Select(e => (e.Train.Loss, e.Train.Accuracy, e.Valid!.Loss, e.LearningRate)),
                     actual.History.Select(e => (e.Train.Loss, e.Train.Accuracy, e.Valid!.Loss, e.LearningRate)));
    }

    [Fact]
    public void Resume_without_a_checkpoint_returns_false()
    {
        var (t, _, _) = Build(TempDir(), null);
        Assert.False(t.Resume());
    }
}
