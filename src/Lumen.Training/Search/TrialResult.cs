namespace Lumen.Training.Search;

/// <summary>What one trial of a search gave.</summary>
public sealed record TrialResult
{
    /// <summary>1-based trial number.</summary>
    public int Trial { get; init; }

    /// <summary>The trial's run directory, relative to the search's folder (<c>trial-001</c>).</summary>
    public required string Run { get; init; }

    /// <summary>The parameter values of the trial, in the space's order.</summary>
    public required Dictionary<string, string> Params { get; init; }

    /// <summary>"ok" or "failed".</summary>
    public required string Status { get; init; }

    /// <summary>The one-line error of a failed trial.</summary>
    public string? Error { get; init; }

    /// <summary>The epoch with the best objective (1-based).</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Epochs trained (fewer than asked when early stopping ended the run).</summary>
    public int? Epochs { get; init; }

    /// <summary>The objective (the monitored metric) at the best epoch.</summary>
    public double? Objective { get; init; }

    /// <summary>Validation accuracy at the best epoch, in [0, 1].</summary>
    public double? ValidAcc { get; init; }

    /// <summary>Test accuracy of the final weights, in [0, 1] (null when the run did not test).</summary>
    public double? TestAcc { get; init; }

    /// <summary>Wall-clock seconds of the trial.</summary>
    public double Seconds { get; init; }

    /// <summary>Whether the trial finished and has an objective.</summary>
    public bool Ok => Status == "ok" && Objective is double v && !double.IsNaN(v);
}
