namespace Lumen.Training.Callbacks;

/// <summary>
/// Stops training when a monitored metric has not improved for <see cref="Patience"/> epochs (Keras's and Lightning's
/// <c>EarlyStopping</c>): an epoch improves when its value beats the best by more than <see cref="MinDelta"/>
/// (lower for <see cref="MonitorMode.Min"/>, higher for Max); NaN never improves. With
/// <see cref="RestoreBestWeights"/> the model gets the best epoch's weights back when training ends. Its state (best
/// value, epochs waited, best weights) is saved in the run's checkpoints, so a resumed run stops where the
/// uninterrupted one would.
/// <code>trainer.Callbacks.Add(new EarlyStopping("valid_loss", patience: 3));</code>
/// </summary>
public sealed class EarlyStopping : ITrainerCallback, IStatefulCallback
{
    private OrderedDictionary<string, Tensor>? _bestWeights;

    /// <param name="monitor">metric name (see <see cref="EpochResult.Get"/>).</param>
    /// <param name="patience">epochs without improvement before stopping (≥ 1).</param>
    /// <param name="minDelta">smallest change that counts as an improvement (≥ 0).</param>
    /// <param name="mode">min for losses, max for accuracies; Auto decides from the name.</param>
    /// <param name="restoreBestWeights">load the best epoch's weights when training ends.</param>
    public EarlyStopping(string monitor = "valid_loss", int patience = 3, double minDelta = 0, MonitorMode mode = MonitorMode.Auto,
        bool restoreBestWeights = true)
    {
        if (!EpochResult.MetricNames.Contains(monitor))
            throw new ArgumentException($"EarlyStopping: unknown monitor '{monitor}' (known: {string.Join(", ", EpochResult.MetricNames)}).");
        if (patience < 1) throw new ArgumentException($"EarlyStopping: patience must be at least 1, got {patience}.");
        if (!(minDelta >= 0)) throw new ArgumentException($"EarlyStopping: minDelta must be non-negative, got {minDelta}.");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        Mode = EpochResult.ModeOf(monitor, mode);
        RestoreBestWeights = restoreBestWeights;
        Best = Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    public string Monitor { get; }
    public int Patience { get; }
    public double MinDelta { get; }
    public MonitorMode Mode { get; }
    public bool RestoreBestWeights { get; }

    /// <summary>Best value seen so far (±∞ before the first epoch).</summary>
    public double Best { get; private set; }

    /// <summary>Epoch (1-based) of <see cref="Best"/>, 0 before the first.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch after which training was stopped, 0 if it was not.</summary>
    public int StoppedEpoch { get; private set; }

    public string StateKey => "early_stopping";

    public void OnEpochEnd(EpochEnd e)
    {
        double v = e.Result.Get(Monitor);
        bool better = Mode == MonitorMode.Min ? v < Best - MinDelta : v > Best + MinDelta;
        if (better)
        {
            Best = v;
            BestEpoch = e.Result.Epoch;
            Wait = 0;
            if (RestoreBestWeights) _bestWeights = Snapshot(e.Trainer);
        }
        else if (++Wait >= Patience)
        {
            StoppedEpoch = e.Result.Epoch;
            e.Trainer.StopTraining = true;
            e.Trainer.Print($"early stopping: {Monitor} has not improved for {Patience} epoch(s); best {Best:G6} at epoch {BestEpoch}");
        }
    }

    public void OnTrainEnd(Trainer trainer)
    {
        if (!RestoreBestWeights || _bestWeights == null || BestEpoch == trainer.History.Count) return;
        trainer.Model.LoadStateDict(_bestWeights);
        trainer.Print($"early stopping: restored the weights of epoch {BestEpoch}");
    }

    private static OrderedDictionary<string, Tensor> Snapshot(Trainer t)
    {
        var sd = new OrderedDictionary<string, Tensor>();
        foreach (var (k, v) in t.Model.StateDict()) sd[k] = v.Detach().Clone();
        return sd;
    }

    public Dictionary<string, object?> StateDict()
    {
        var d = new Dictionary<string, object?>
        {
            ["best"] = Best, ["best_epoch"] = BestEpoch, ["wait"] = Wait, ["stopped_epoch"] = StoppedEpoch,
        };
        if (_bestWeights != null) d["best_weights"] = _bestWeights;
        return d;
    }

    public void LoadStateDict(IReadOnlyDictionary<string, object?> state)
    {
        Best = Convert.ToDouble(state["best"], System.Globalization.CultureInfo.InvariantCulture);
        BestEpoch = Convert.ToInt32(state["best_epoch"], System.Globalization.CultureInfo.InvariantCulture);
        Wait = Convert.ToInt32(state["wait"], System.Globalization.CultureInfo.InvariantCulture);
        StoppedEpoch = Convert.ToInt32(state["stopped_epoch"], System.Globalization.CultureInfo.InvariantCulture);
        _bestWeights = state.TryGetValue("best_weights", out var w) ? (OrderedDictionary<string, Tensor>?)w : null;
    }
}
