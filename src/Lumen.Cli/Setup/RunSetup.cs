using Lumen.Cli.Models;
using Lumen.Data;
using Lumen.NN;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Training;
using Lumen.Training.Callbacks;

namespace Lumen.Cli.Setup;

/// <summary>Everything a run needs, built from a <see cref="RunConfig"/> in a fixed order (seed, data, seed again, model,
/// optimizer) so the same config always gives the same initial weights.</summary>
public sealed class RunSetup
{
    public required RunConfig Config { get; init; }
    public required DataBundle Data { get; init; }
    public required Module Model { get; init; }
    public required Loss Loss { get; init; }
    public required Optimizer Optimizer { get; init; }
    public ILRScheduler? Scheduler { get; init; }
    public required string Monitor { get; init; }

    /// <param name="c">The run's settings.</param>
    /// <param name="loadWeights">Load <see cref="RunConfig.Weights"/> or the <see cref="RunConfig.Pretrained"/> download (training from the start); false (the default) when a checkpoint
    /// or the best weights will overwrite the model anyway (resume, eval, predict), so the file need not exist any more.</param>
    /// <exception cref="CliException">a setting that does not work; when <paramref name="c"/> was read from a run's
    /// <c>config.json</c>, the message names that file and the field.</exception>
    public static RunSetup Create(RunConfig c, bool loadWeights = false)
    {
        try { return Build(c, loadWeights); }
        catch (CliException e) { throw c.Attribute(e); }
    }

    private static RunSetup Build(RunConfig c, bool loadWeights)
    {
        if (c.Threads is int t) Torch.SetNumThreads(t);
        Torch.ManualSeed(c.Seed);
        var data = DataSetup.Load(c);
        // Seed again so the initial weights do not depend on how the data was read.
        Torch.ManualSeed(c.Seed);
        if (c.Weights != null && c.ModelArgs is { Count: > 0 })
            throw new CliException("--weights cannot be combined with --model-args (the weights file fixes the model's shape)");
        if (c.Pretrained && c.ModelArgs is { Count: > 0 })
            throw new CliException("--pretrained cannot be combined with --model-args (the published weights fix the model's shape)");
        var model = CreateModel(c, data.InputShape, data.Classes.Count, loadWeights);
        if (c.Freeze) ModelZoo.FreezeAllButHead(model);
        if (c.SyncBatchNorm && DistributedSetup.Group is { } group)   // the same parameter objects: before the optimizer
            model = Lumen.Distributed.SyncBatchNorm.ConvertSyncBatchNorm(model, group);
        // Only trainable parameters go to the optimizer (with --freeze: the head's).
        var optimizer = OptimSetup.Optimizer(c, model.Parameters().Where(p => p.RequiresGrad));
        string monitor = c.Monitor ?? "valid_loss";
        if (!EpochResult.MetricNames.Contains(monitor))
            throw new CliException($"--monitor: unknown metric '{monitor}' (known: {string.Join(", ", EpochResult.MetricNames)})");
        var scheduler = OptimSetup.Scheduler(c, optimizer, monitor);
        return new RunSetup { Config = c, Data = data, Model = model, Loss = new CrossEntropyLoss(), Optimizer = optimizer, Scheduler = scheduler, Monitor = monitor };
    }

    /// <summary>The run's model for inputs of <paramref name="inputShape"/> and <paramref name="classes"/> outputs (with the
    /// <c>--weights</c> file or the <c>--pretrained</c> download loaded when <paramref name="loadWeights"/>); a model error is reported as <c>--model</c>'s
    /// (or, for a loaded config, the file's <c>model</c> field's).</summary>
    /// <exception cref="CliException">the model cannot be built.</exception>
    public static Module CreateModel(RunConfig c, int[] inputShape, int classes, bool loadWeights = false)
    {
        try
        {
            return c.Weights != null && loadWeights
                ? ModelZoo.CreatePretrained(c.Model, inputShape, classes, c.ModelSpec, c.Weights)
                : c.Pretrained && loadWeights
                ? ModelZoo.CreateFromTorchvision(c.Model, inputShape, classes)
                : ModelZoo.Create(c.Model, inputShape, classes, c.ModelSpec, c.ModelArgs);
        }
        catch (CliException e)
        {
            throw c.Attribute(CliException.LeadingOption(e.Message) == null ? new CliException("--model: " + e.Message, e.Hint, e) : e);
        }
    }

    /// <summary>The trainer over this setup, writing into <paramref name="runDir"/>.</summary>
    public Trainer Trainer(string? runDir, CliContext ctx, bool writeReport = true)
    {
        var trainer = new Trainer(Model, Loss, Optimizer, Scheduler, new TrainerOptions
        {
            Epochs = Config.Epochs,
            ClassNames = Data.Classes,
            RunDir = runDir,
            Config = Config.Describe(),
            Monitor = Monitor,
            CheckpointEveryBatches = Config.CheckpointEvery,
            ClipGradNorm = Config.ClipGrad,
            ValidName = Data.Valid != null ? "valid" : "test",
            Output = ctx.Out,
            Interactive = ctx.Interactive,
            WriteReport = writeReport,
            NormalizeMean = Data.Mean,
            NormalizeStd = Data.Std,
            ProcessGroup = DistributedSetup.Group,   // under mpirun: data-parallel
        });
        if (Config.Patience > 0) trainer.Callbacks.Add(new EarlyStopping(Monitor, Config.Patience));
        return trainer;
    }

    /// <summary>The training loader: seed 004 does not shuffle; with shuffling the loader draws from its own generator,
    /// seeded with the run's seed.</summary>
    public DataLoader TrainLoader() => DistributedSetup.Group is { } g
        ? new(Data.Train, batchSize: Config.BatchSize,
              sampler: new Lumen.Distributed.DistributedSampler(Data.Train, g.WorldSize, g.Rank, shuffle: Config.Shuffle, seed: Config.Seed))
        : new(Data.Train, batchSize: Config.BatchSize, shuffle: Config.Shuffle, generator: Config.Shuffle ? new Generator(Config.Seed) : null);

    public DataLoader? ValidLoader() => Data.Valid == null ? null : new(Data.Valid, batchSize: Config.BatchSize);

    public DataLoader TestLoader() => new(Data.Test, batchSize: Config.BatchSize);
}
