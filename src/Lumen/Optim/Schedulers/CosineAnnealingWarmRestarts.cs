namespace Lumen.Optim.Schedulers;

/// <summary>SGDR: cosine annealing that restarts every T_i epochs, with T_0 = <c>t0</c> and T_{i+1} = T_i·<c>tMult</c>,
/// PyTorch's <c>CosineAnnealingWarmRestarts</c>: lr = η_min + (base − η_min)(1 + cos(π·T_cur/T_i))/2.
/// <see cref="Step(double)"/> accepts fractional epochs (e.g. <c>epoch + batch / batches</c>).</summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    public int T0 { get; private set; }
    public int TMult { get; private set; }
    public double EtaMin { get; private set; }
    /// <summary>Length of the current cycle, PyTorch's <c>T_i</c>.</summary>
    public double TI { get; private set; }
    /// <summary>Epochs since the last restart, PyTorch's <c>T_cur</c> (fractional with fractional epochs).</summary>
    public double TCur { get; private set; }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer)
    {
        if (t0 <= 0) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected positive integer T_0, but got {t0}.");
        if (tMult < 1) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got {tMult}.");
        T0 = t0; TI = t0; TMult = tMult; EtaMin = etaMin; TCur = lastEpoch;
        Initialize(lastEpoch);
        InitialStep();
    }

    protected override double[] GetLr() =>
        BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2).ToArray();

    /// <summary>Advances one epoch (restarting when T_cur reaches T_i).</summary>
    public override void Step()
    {
        if (LastEpoch < 0) { StepTo(0); return; }
        TCur += 1;
        if (TCur >= TI) { TCur -= TI; TI *= TMult; }
        LastEpoch += 1;
        Apply(GetLr());
    }

    /// <summary>Sets the schedule to <paramref name="epoch"/>.</summary>
    public override void Step(int epoch) => Step((double)epoch);

    /// <summary>Sets the schedule to a possibly fractional <paramref name="epoch"/>, PyTorch's <c>step(epoch)</c>.</summary>
    public void Step(double epoch) => StepTo(epoch);

    private void StepTo(double epoch)
    {
        if (epoch < 0) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected non-negative epoch, but got {epoch}.");
        if (epoch >= T0)
        {
            if (TMult == 1) TCur = epoch % T0;
            else
            {
                int n = (int)(Math.Log(epoch / T0 * (TMult - 1) + 1) / Math.Log(TMult));
                TCur = epoch - T0 * (Math.Pow(TMult, n) - 1) / (TMult - 1);
                TI = T0 * Math.Pow(TMult, n);
            }
        }
        else
        {
            TI = T0;
            TCur = epoch;
        }
        LastEpoch = (int)Math.Floor(epoch);
        Apply(GetLr());
    }

    public override Dictionary<string, object?> StateDict()
    {
        var d = base.StateDict();
        d["T_0"] = T0; d["T_i"] = TI; d["T_mult"] = TMult; d["eta_min"] = EtaMin; d["T_cur"] = TCur;
        return d;
    }

    public override void LoadStateDict(IReadOnlyDictionary<string, object?> s)
    {
        base.LoadStateDict(s);
        if (s.TryGetValue("T_0", out var a)) T0 = StateValues.Int(a);
        if (s.TryGetValue("T_i", out var b)) TI = StateValues.Double(b);
        if (s.TryGetValue("T_mult", out var c)) TMult = StateValues.Int(c);
        if (s.TryGetValue("eta_min", out var e)) EtaMin = StateValues.Double(e);
        if (s.TryGetValue("T_cur", out var t)) TCur = StateValues.Double(t);
    }
}
