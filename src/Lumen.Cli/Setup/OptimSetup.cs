using System.Globalization;
using Lumen.Optim;
using Lumen.Optim.Schedulers;
using Lumen.Training;

namespace Lumen.Cli.Setup;

/// <summary>Optimizers and schedulers by name.</summary>
public static class OptimSetup
{
    public static readonly string[] OptimizerNames = { "adam", "adamw", "sgd", "rmsprop", "adagrad", "adamax", "nadam", "radam" };

    public const string SchedulerHelp = "none | step:SIZE[:GAMMA] | cosine:TMAX | exponential:GAMMA | plateau[:PATIENCE[:FACTOR]]";

    public static Optimizer Optimizer(RunConfig c, IEnumerable<Tensor> ps)
    {
        double wd = c.WeightDecay ?? 0;
        return c.Optimizer.ToLowerInvariant() switch
        {
            "adam" => new Adam(ps, lr: c.Lr ?? 1e-3, weightDecay: wd),
            "adamw" => new AdamW(ps, lr: c.Lr ?? 1e-3, weightDecay: c.WeightDecay ?? 1e-2),
            "sgd" => new SGD(ps, lr: c.Lr ?? 0.01, momentum: c.Momentum, weightDecay: wd),
            "rmsprop" => new RMSprop(ps, lr: c.Lr ?? 1e-2, weightDecay: wd, momentum: c.Momentum),
            "adagrad" => new Adagrad(ps, lr: c.Lr ?? 1e-2, weightDecay: wd),
            "adamax" => new Adamax(ps, lr: c.Lr ?? 2e-3, weightDecay: wd),
            "nadam" => new NAdam(ps, lr: c.Lr ?? 2e-3, weightDecay: wd),
            "radam" => new RAdam(ps, lr: c.Lr ?? 1e-3, weightDecay: wd),
            _ => throw new CliException($"--optimizer: unknown optimizer '{c.Optimizer}' (known: {string.Join(", ", OptimizerNames)})"),
        };
    }

    public static ILRScheduler? Scheduler(RunConfig c, Optimizer o, string monitor)
    {
        var parts = c.Scheduler.Split(':');
        double D(int k, double fallback)
        {
            if (parts.Length <= k) return fallback;
            return double.TryParse(parts[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
                : throw new CliException($"--scheduler: '{c.Scheduler}' has a bad number '{parts[k]}'", SchedulerHelp);
        }
        int I(int k, int? fallback = null)
        {
            if (parts.Length <= k)
                return fallback ?? throw new CliException($"--scheduler: '{c.Scheduler}' needs an integer after '{parts[0]}:'", SchedulerHelp);
            return int.TryParse(parts[k], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
                : throw new CliException($"--scheduler: '{c.Scheduler}' has a bad integer '{parts[k]}'", SchedulerHelp);
        }
        return parts[0].ToLowerInvariant() switch
        {
            "none" or "" => null,
            "step" => new StepLR(o, I(1), D(2, 0.1)),
            "cosine" => new CosineAnnealingLR(o, I(1)),
            "exponential" => new ExponentialLR(o, D(1, 0.95)),
            "plateau" => new ReduceLROnPlateau(o, EpochResult.ModeOf(monitor) == MonitorMode.Max ? PlateauMode.Max : PlateauMode.Min,
                factor: D(2, 0.1), patience: I(1, 2)),
            _ => throw new CliException($"--scheduler: unknown scheduler '{c.Scheduler}'", SchedulerHelp),
        };
    }
}
