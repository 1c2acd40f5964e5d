using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Serialization;
using Lumen.Training.Checkpoints;
using Xunit;

namespace Lumen.Training.Tests.Checkpoints;

public sealed class TrainingCheckpointTests
{
    private static string TempFile(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "lumen-ckpt-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return Path.Combine(d, name);
    }

    private static (Linear Model, Adam Opt, ReduceLROnPlateau Sched) Trained()
    {
        var g = new Generator(5);
        var model = new Linear(3, 2);
        using (Lumen.Autograd.Autograd.NoGrad()) model.Weight.Copy_(Torch.Randn(new[] { 2, 3 }, g));
        var opt = new Adam(model.Parameters(), lr: 0.01, betas: (0.8, 0.99));
        var sched = new ReduceLROnPlateau(opt, patience: 1);
        for (int i = 0; i < 3; i++)
        {
            opt.ZeroGrad();
            model.Call(Torch.Randn(new[] { 4, 3 }, g)).Pow(2).Mean().Backward();
            opt.Step();
        }
        sched.Step(0.5);
        return (model, opt, sched);
    }

    [Fact]
    public void Everything_round_trips_bit_for_bit()
    {
        var (model, opt, sched) = Trained();
        var rng = new Generator(9);
        Torch.RandPerm(10, rng);
        var ck = new TrainingCheckpoint
        {
            Model = model.StateDict(),
            Optimizer = opt.StateDict(),
            Scheduler = sched.StateDict(),
            Epoch = 2,
            Batch = 17,
            GlobalRng = rng.GetState(),
            LoaderRng = new Generator(3).GetState(),
            GlobalRngAtEpochStart = new Generator(4).GetState(),
            Trainer = new() { ["loss_sum"] = 0.1 + 0.2, ["count"] = 3, ["correct"] = 2L, ["best"] = double.PositiveInfinity, ["nan"] = double.NaN, ["history"] = "[]" },
            Callbacks = new() { ["early_stopping"] = new() { ["best_weights"] = model.StateDict(), ["wait"] = 1, ["flag"] = true, ["none"] = null } },
        };
        var path = TempFile("last.safetensors");
        ck.Save(path);
        var back = TrainingCheckpoint.Load(path);

        Assert.Equal(2, back.Epoch);
        Assert.Equal(17, back.Batch);
        Assert.Equal(ck.GlobalRng, back.GlobalRng);
        Assert.Equal(ck.LoaderRng, back.LoaderRng);
        Assert.Equal(ck.GlobalRngAtEpochStart, back.GlobalRngAtEpochStart);
        Assert.Null(back.LoaderRngAtEpochStart);
        Assert.Equal(0.1 + 0.2, (double)back.Trainer["loss_sum"]!);
        Assert.Equal(2L, back.Trainer["correct"]);
        Assert.Equal(3, back.Trainer["count"]);
        Assert.Equal(double.PositiveInfinity, back.Trainer["best"]);
        Assert.True(double.IsNaN((double)back.Trainer["nan"]!));
        Assert.Equal(model.Weight.ToArray<float>(), back.Model["weight"].ToArray<float>());
        var es = back.Callbacks["early_stopping"];
        Assert.Equal(model.Bias!.ToArray<float>(), ((OrderedDictionary<string, Tensor>)es["best_weights"]!)["bias"].ToArray<float>());
        Assert.Equal(true, es["flag"]);
        Assert.Null(es["none"]);

        // The restored optimizer and scheduler continue exactly like the originals.
        var (model2, _, _) = Trained();
        using (Lumen.Autograd.Autograd.NoGrad()) model2.Weight.Copy_(Torch.Zeros(2, 3));
        model2.LoadStateDict(back.Model);
        var opt2 = new Adam(model2.Parameters());
        opt2.LoadStateDict(back.Optimizer!);
        var sched2 = new ReduceLROnPlateau(opt2);
        sched2.LoadStateDict(back.Scheduler!);
        Assert.Equal((0.8, 0.99), opt2.ParamGroups[0].GetPair("betas"));
        Assert.Equal(sched.Best, sched2.Best);
        var x = Torch.Randn(new[] { 4, 3 }, new Generator(1));
        foreach (var (m, o, s) in new[] { (model, (Optimizer)opt, sched), (model2, opt2, sched2) })
        {
            o.ZeroGrad();
            m.Call(x).Pow(2).Mean().Backward();
            o.Step();
            s.Step(0.7);
            s.Step(0.8);
        }
        Assert.Equal(model.Weight.ToArray<float>(), model2.Weight.ToArray<float>());
        Assert.Equal(opt.ParamGroups[0].Lr, opt2.ParamGroups[0].Lr);
    }

    [Fact]
    public void A_crash_while_writing_leaves_the_previous_checkpoint_intact()
    {
        var (model, opt, _) = Trained();
        var path = TempFile("last.safetensors");
        new TrainingCheckpoint { Model = model.StateDict(), Optimizer = opt.StateDict(), Epoch = 1 }.Save(path);
        var before = File.ReadAllBytes(path);
        var next = new TrainingCheckpoint { Model = model.StateDict(), Optimizer = opt.StateDict(), Epoch = 2 };
        Assert.Throws<IOException>(() => next.Save(path, () => throw new IOException("power cut")));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, TrainingCheckpoint.Load(path).Epoch);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void A_plain_state_dict_is_not_a_training_checkpoint()
    {
        var path = TempFile("weights.safetensors");
        SafeTensors.Save(new Linear(2, 2).StateDict(), path);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("not a Lumen training checkpoint", e.Message);
    }

    [Fact]
    public void Unsupported_state_values_are_named_when_saving()
    {
        var ck = new TrainingCheckpoint { Model = new(), Trainer = new() { ["when"] = DateTime.Now } };
        var e = Assert.Throws<NotSupportedException>(() => ck.ToBytes());
        Assert.Contains("trainer.when", e.Message);
    }
}
