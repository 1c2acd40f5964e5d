using System.Globalization;
using Lumen.Cli.Models;
using Lumen.Cli.Setup;
using Lumen.Training;
using Lumen.Training.Runs;

namespace Lumen.Cli.Commands;

/// <summary><c>lumen train</c>: trains a model and writes a run directory; also seed 000's other run modes.</summary>
public static class TrainCommand
{
    public static readonly CommandSpec Spec = new("train",
        "Train a model (default: seed 004's MNIST CNN on the embedded MNIST, Adam, 3 epochs) and write a run directory.",
        "train [--model NAME|SPEC.yaml] [--dataset NAME] [--epochs N] [--out DIR] [options]",
        new OptionSpec[]
        {
            new("model", "NAME", $"{string.Join(", ", ModelZoo.All.Select(m => m.Name))} (default mnist-cnn), or a .yaml/.json layer list"),
            new("model-args", "K=V,...", "model constructor arguments, e.g. convnet's c1=48,c2=96,l1=256, or a spec's ${NAME} placeholders"),
            new("config", "FILE", "read options from a YAML/JSON mapping (e.g. a search's best.yaml); options given after it win"),
            new("weights", "FILE", "start from this state dict (.pth from torch.save(model.state_dict()), or .safetensors); a head with another class count is replaced by a new Linear (transfer learning)"),
            new("pretrained", null, $"start from torchvision's ImageNet weights for the zoo model ({string.Join(", ", ModelZoo.All.Where(m => m.Pretrained != null).Select(m => m.Name))}), downloaded once into torch.hub's cache ($TORCH_HOME/hub/checkpoints, else ~/.cache/torch/hub/checkpoints); the head is replaced as with --weights"),
            new("freeze", null, "train the classifier head only (the last Linear); everything else keeps its weights"),
            new("sync-batchnorm", null, "under mpirun: BatchNorm layers normalise with the statistics of all ranks' batches (SyncBatchNorm); without it each rank uses its own batch's, as PyTorch's DDP"),
            new("dataset", "NAME", "mnist (default, embedded), mnist:PATH, fashion-mnist:PATH, cifar10:PATH, imagefolder:PATH (PATH/train + PATH/test, or class folders with --valid-split)"),
            new("transforms", "LIST", DataSetup.TransformHelp),
            new("optimizer", "NAME", "adam (default), adamw, sgd, rmsprop, adagrad, adamax, nadam, radam"),
            new("lr", "X", "learning rate (default: the optimizer's PyTorch default; sgd 0.01)"),
            new("momentum", "X", "momentum for sgd and rmsprop (default 0)"),
            new("weight-decay", "X", "weight decay (default 0; adamw 0.01)"),
            new("scheduler", "SPEC", OptimSetup.SchedulerHelp),
            new("epochs", "N", "epochs to train (default 3)"),
            new("batch-size", "N", "batch size (default 100)"),
            new("seed", "N", "random seed (default 0)"),
            new("shuffle", null, "shuffle the training data every epoch (seed 004 does not)"),
            new("threads", "N", "compute threads (default: all cores)"),
            new("out", "DIR", "run directory (default runs/<timestamp>): a new or empty folder, or a run stopped before its first checkpoint"),
            new("force", null, "write the run into an --out folder that holds other files (never replacing a file of a run's name)"),
            new("resume", null, "continue the run in --out from its last checkpoint (its saved settings are used)"),
            new("mode", "MODE", "train_eval (default), restart_train_eval, predict_on_valid, predict_on_test"),
            new("patience", "N", "early stopping: stop after N epochs without improvement (default off)"),
            new("monitor", "METRIC", "valid_loss (default), valid_acc, train_loss, train_acc"),
            new("valid-split", "F", "hold out this fraction of the training data for validation, read with the evaluation transforms (default 0: the test split is evaluated each epoch, as seed 004 does)"),
            new("train-subset", "N", "train on the first N examples only"),
            new("test-subset", "N", "evaluate on the first N test examples only"),
            new("checkpoint-every", "N", "also checkpoint every N batches inside an epoch (default 100; 0: epoch ends only)"),
            new("clip-grad", "X", "clip the gradients' total norm to X"),
            new("no-report", null, "skip report.html and its figures"),
        },
        Run);

    private static readonly string[] Modes = { "train_eval", "restart_train_eval", "predict_on_valid", "predict_on_test" };

    private static int Run(ParsedArgs a, CliContext ctx)
    {
        ctx = DistributedSetup.ForRank(ctx);   // under mpirun only rank 0 prints
        string mode = a.String("mode") ?? (a.Has("resume") ? "restart_train_eval" : "train_eval");
        if (!Modes.Contains(mode)) throw new CliException($"--mode: unknown mode '{mode}' (known: {string.Join(", ", Modes)})");
        bool fromRun = mode != "train_eval";
        string? outDir = a.String("out");
        RunConfig c;
        if (fromRun)
        {
            if (outDir == null) throw new CliException($"{(a.Has("resume") ? "--resume" : "--mode " + mode)} needs the run directory: --out DIR");
            c = RunConfig.Load(outDir);
            if (a.Int("epochs", min: 1) is int e) { c.Epochs = e; c.Overridden.Add("epochs"); }
            if (a.Threads() is int th) { c.Threads = th; c.Overridden.Add("threads"); }
        }
        else
        {
            c = FromArgs(a);
            outDir ??= Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        }

        // The weights file is read when training starts from scratch: a resumed run's checkpoint (or the best weights of
        // predict_on_*) overwrite the model, and a run killed before its first checkpoint starts over, reading it again.
        bool loadWeights = mode == "train_eval" || (mode == "restart_train_eval" && !File.Exists(Path.Combine(outDir!, RunFiles.Last)));
        // --out: a new or empty folder, or a run of ours stopped before its first checkpoint (docs/cli.md, "--out").
        if (!fromRun) RunDirectory.PrepareNew(outDir!, a.Has("force"));
        var setup = RunSetup.Create(c, loadWeights);
        Directory.CreateDirectory(outDir!);
        if (!fromRun)
        {
            c.Classes = setup.Data.Classes.ToArray();
            c.InputShape = setup.Data.InputShape;
            if (!DistributedSetup.IsSecondaryRank)   // under mpirun rank 0 writes the run's files
                Lumen.Serialization.AtomicFile.WriteAllText(Path.Combine(outDir!, RunFiles.Config), c.ToJson());
        }
        var trainer = setup.Trainer(outDir, ctx, writeReport: !a.Has("no-report"));
        var trainLoader = setup.TrainLoader();
        var valid = setup.ValidLoader();
        var test = setup.TestLoader();
        ctx.Out.WriteLine($"lumen train: {c.Model} on {c.Dataset} ({setup.Data.Train.Count} train, {(valid != null ? $"{setup.Data.Valid!.Count} valid, " : "")}{setup.Data.Test.Count} test), " +
                          $"{c.Optimizer}, batch {c.BatchSize}, {c.Epochs} epochs, seed {c.Seed}, {Torch.GetNumThreads()} threads -> {outDir}");
        if (DistributedSetup.Group is { } g)
            ctx.Out.WriteLine($"data-parallel: {g.WorldSize} ranks x batch {c.BatchSize}; " +
                              (c.SyncBatchNorm ? $"SyncBatchNorm in {setup.Model.Modules().OfType<Lumen.Distributed.SyncBatchNorm>().Count()} layers"
                                               : "BatchNorm per rank (--sync-batchnorm for global statistics)"));

        var runMode = mode switch
        {
            "restart_train_eval" => RunMode.RestartTrainEval,
            "predict_on_valid" => RunMode.PredictOnValid,
            "predict_on_test" => RunMode.PredictOnTest,
            _ => RunMode.TrainEval,
        };
        if (runMode == RunMode.PredictOnValid && valid == null)
            throw new CliException("predict_on_valid: this run has no validation split (it was trained without --valid-split)");
        // Without a validation split the test split is evaluated every epoch (seed 004's practice).
        bool training = runMode is RunMode.TrainEval or RunMode.RestartTrainEval;
        // A single ImageFolder's held-out part is the validation and the test split: evaluate it once per epoch.
        bool sameSplit = valid != null && ReferenceEquals(setup.Data.Valid, setup.Data.Test);
        var outcome = training && valid == null ? trainer.Run(runMode, trainLoader, test, null)
            : training && sameSplit ? trainer.Run(runMode, trainLoader, valid, null)
            : trainer.Run(runMode, trainLoader, valid, test);
        if (outcome.PredictionsPath != null)
        {
            int right = outcome.Predictions!.Count(r => r.TrueLabel == r.PredictedLabel);
            ctx.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "predictions: {0} ({1} examples, accuracy {2:F2}%)",
                outcome.PredictionsPath, outcome.Predictions!.Count, 100.0 * right / Math.Max(1, outcome.Predictions.Count)));
        }
        ctx.Out.WriteLine($"run directory: {outDir}");
        return 0;
    }

    internal static RunConfig FromArgs(ParsedArgs a)
    {
        var c = new RunConfig();
        if (a.String("model") is { } m)
        {
            c.Model = m;
            if (ModelZoo.IsSpecFile(m))
            {
                if (!File.Exists(m)) throw new CliException($"{a.Label("model")}: model spec file '{m}' not found");
                c.ModelSpec = File.ReadAllText(m);
            }
        }
        c.ModelArgs = ModelArgs.Parse(a.String("model-args"));
        if (a.String("weights") is { } w)
        {
            if (!File.Exists(w)) throw new CliException($"{a.Label("weights")}: file '{w}' not found");
            c.Weights = Path.GetFullPath(w);
        }
        c.Pretrained = a.Has("pretrained");
        if (c.Pretrained)
        {
            if (c.Weights != null) throw new CliException("--pretrained and --weights both give the starting weights; choose one");
            ModelZoo.PretrainedWeights(c.Model);   // fail before any data is read
        }
        c.Freeze = a.Has("freeze");
        c.SyncBatchNorm = a.Has("sync-batchnorm");
        if (a.String("dataset") is { } d) c.Dataset = d;
        if (a.String("transforms") is { } t) c.Transforms = t;
        if (a.String("optimizer") is { } o) c.Optimizer = o.ToLowerInvariant();
        c.Lr = a.Double("lr", min: 0) ?? c.Lr;
        c.Momentum = a.Double("momentum", min: 0) ?? c.Momentum;
        c.WeightDecay = a.Double("weight-decay", min: 0) ?? c.WeightDecay;
        if (a.String("scheduler") is { } s) c.Scheduler = s;
        c.Epochs = a.Int("epochs", min: 1) ?? c.Epochs;
        c.BatchSize = a.Int("batch-size", min: 1) ?? c.BatchSize;
        c.Seed = a.Long("seed") ?? c.Seed;
        c.Shuffle = a.Has("shuffle");
        c.Threads = a.Threads();
        c.Patience = a.Int("patience", min: 1) ?? 0;
        c.Monitor = a.String("monitor");
        c.TrainSubset = a.Int("train-subset", min: 1) ?? 0;
        c.TestSubset = a.Int("test-subset", min: 1) ?? 0;
        c.ValidSplit = a.Double("valid-split", min: 0) ?? 0;
        c.CheckpointEvery = a.Int("checkpoint-every", min: 0) ?? c.CheckpointEvery;
        c.ClipGrad = a.Double("clip-grad", min: 0);
        if (!OptimSetup.OptimizerNames.Contains(c.Optimizer))
            throw new CliException($"{a.Label("optimizer")}: unknown optimizer '{c.Optimizer}' (known: {string.Join(", ", OptimSetup.OptimizerNames)})");
        return c;
    }
}
