namespace Lumen.Training;

/// <summary>Settings of a <see cref="Trainer"/>; every one has a default that suits a classification run.</summary>
public sealed record TrainerOptions
{
    /// <summary>Epochs to train (the total, counting epochs done before a resume).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>What the outputs mean (decides the metrics).</summary>
    public TrainingTask Task { get; init; } = TrainingTask.MultiClass;

    /// <summary>Class names for reports and prediction files, or null (indices are used).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The run directory: checkpoints (<c>last.safetensors</c>, <c>best.safetensors</c>), the final weights
    /// (<c>model.safetensors</c>), per-epoch logs (<c>metrics.csv</c>, <c>metrics.json</c>) and the report. Null keeps
    /// everything in memory.</summary>
    public string? RunDir { get; init; }

    /// <summary>Run name shown in the report (the run directory's name when null).</summary>
    public string? RunName { get; init; }

    /// <summary>Settings shown in the report (hyperparameters as text).</summary>
    public IReadOnlyDictionary<string, string>? Config { get; init; }

    /// <summary>When to step an epoch-based scheduler.</summary>
    public SchedulerStepping SchedulerStepping { get; init; } = SchedulerStepping.Epoch;

    /// <summary>Clip the gradients' total 2-norm to this value before each step (PyTorch's <c>clip_grad_norm_</c>), or null.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Clamp every gradient element to ±this value before each step (<c>clip_grad_value_</c>), or null.</summary>
    public double? ClipGradValue { get; init; }

    /// <summary>The metric that picks the best epoch (<c>best.safetensors</c>) and feeds ReduceLROnPlateau; null means
    /// <c>valid_loss</c> with a validation split, else <c>train_loss</c>. See <see cref="EpochResult.Get"/>.</summary>
    public string? Monitor { get; init; }

    /// <summary>Whether the monitored metric should go down or up.</summary>
    public MonitorMode MonitorMode { get; init; } = MonitorMode.Auto;

    /// <summary>Also write the "last" checkpoint every this many training batches inside an epoch (0: only at the end of
    /// each epoch). A run killed mid-epoch resumes from the latest of these.</summary>
    public int CheckpointEveryBatches { get; init; }

    /// <summary>The name printed and logged for the validation split ("valid"; seed 004 evaluates its test split each
    /// epoch, and calls it "test").</summary>
    public string ValidName { get; init; } = "valid";

    /// <summary>Where progress goes; null prints nothing.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Whether progress is one updating line (a terminal) or plain lines (a log); null decides: an updating line
    /// only when <see cref="Output"/> is the console and the console is not redirected.</summary>
    public bool? Interactive { get; init; }

    /// <summary>Write the run report (report.json, report.html and figures) into <see cref="RunDir"/> at the end.</summary>
    public bool WriteReport { get; init; } = true;

    /// <summary>Per-channel normalisation of the inputs, so the report can draw example images in their true colours.</summary>
    public float[]? NormalizeMean { get; init; }

    /// <summary>See <see cref="NormalizeMean"/>.</summary>
    public float[]? NormalizeStd { get; init; }

    /// <summary>The ranks of a data-parallel run (<c>ProcessGroup.World</c> under mpirun), or null for one process. With
    /// more than one rank the model trains through <c>DistributedDataParallel</c>, each rank reads its shard (give the
    /// training loader a <c>DistributedSampler</c>), epoch sums cover all ranks, only rank 0 prints and writes the run
    /// directory, and its checkpoints carry every rank's generator states for an exact resume.</summary>
    public Lumen.Distributed.ProcessGroup? ProcessGroup { get; init; }
}
