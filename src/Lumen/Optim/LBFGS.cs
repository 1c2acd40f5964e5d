namespace Lumen.Optim;

/// <summary>
/// Limited-memory BFGS, PyTorch's <c>torch.optim.LBFGS</c> (after minFunc). One <see cref="Step"/> runs up to
/// <c>max_iter</c> iterations, calling the closure (which must zero the gradients, compute the loss, call Backward and
/// return the loss) up to <c>max_eval</c> times. Directions come from the two-loop recursion over the last
/// <c>history_size</c> curvature pairs; the step length is lr (the first iteration ever uses min(1, 1/‖g‖₁)·lr) or is
/// found by a strong-Wolfe line search (<c>lineSearchFn: "strong_wolfe"</c>, c1 = 1e-4, c2 = 0.9, at most 25 evaluations).
/// An iteration loop stops when max|g| ≤ <c>tolerance_grad</c>, when the directional derivative, max|step| or the change
/// in loss falls below <c>tolerance_change</c>, or when the iteration or evaluation budget is spent.
/// Only one parameter group is supported. All parameters are treated as one flat vector; vectors are float32 as in
/// PyTorch, the scalar bookkeeping is double. The state (kept on the first parameter, as PyTorch does) holds
/// <c>func_evals</c>, <c>n_iter</c>, <c>d</c>, <c>t</c>, <c>old_dirs</c>, <c>old_stps</c>, <c>ro</c>, <c>H_diag</c>,
/// <c>prev_flat_grad</c> and <c>prev_loss</c>.
/// <code>
/// var opt = new LBFGS(model.Parameters(), lr: 1, historySize: 10, lineSearchFn: "strong_wolfe");
/// opt.Step(() => { opt.ZeroGrad(); var loss = lossFn(model.Call(x), y); loss.Backward(); return loss; });
/// </code>
/// </summary>
public sealed class LBFGS : Optimizer
{
    /// <summary>L-BFGS over <paramref name="parameters"/>. <paramref name="maxEval"/> defaults to maxIter·5/4.</summary>
    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1, int maxIter = 20, int? maxEval = null,
                 double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(Single(parameters), new Dictionary<string, object?>
        {
            ["lr"] = lr, ["max_iter"] = maxIter, ["max_eval"] = maxEval ?? maxIter * 5 / 4,
            ["tolerance_grad"] = toleranceGrad, ["tolerance_change"] = toleranceChange,
            ["history_size"] = historySize, ["line_search_fn"] = lineSearchFn,
        }) { }

    protected override void Validate(ParamGroup g)
    {
        NonNegative(g, "lr", "learning rate");
        if (g.GetInt("max_iter") < 1) throw Invalid("max_iter", g.GetInt("max_iter"), "must be >= 1");
        if (g.GetInt("max_eval") < 1) throw Invalid("max_eval", g.GetInt("max_eval"), "must be >= 1");
        if (g.GetInt("history_size") < 1) throw Invalid("history_size", g.GetInt("history_size"), "must be >= 1");
        NonNegative(g, "tolerance_grad", "tolerance_grad");
        NonNegative(g, "tolerance_change", "tolerance_change");
        if (g["line_search_fn"] is { } ls && (ls is not string s || s != "strong_wolfe"))
            throw Invalid("line_search_fn", ls, "only null or \"strong_wolfe\" is supported");
    }

    public override void AddParamGroup(ParamGroup group)
    {
        if (ParamGroups.Count > 0)
            throw new ArgumentException("LBFGS doesn't support per-parameter options (parameter groups).");
        base.AddParamGroup(group);
    }

    private List<Tensor> Params => ParamGroups[0].Params;

    private int Numel() => Params.Sum(p => p.Numel());

    private float[] GatherFlatGrad()
    {
        var flat = new float[Numel()];
        int off = 0;
        foreach (var p in Params)
        {
            int n = p.Numel();
            if (!NoDenseGrad(p)) { var (g, go) = GradData(p, "LBFGS"); g.AsSpan(go, n).CopyTo(flat.AsSpan(off, n)); }
            off += n;
        }
        return flat;
    }

    private void AddGrad(double stepSize, float[] update)
    {
        float t = (float)stepSize;
        int off = 0;
        foreach (var p in Params)
        {
            var (d, o) = ParamData(p, "LBFGS");
            int n = p.Numel();
            for (int i = 0; i < n; i++) d[o + i] += t * update[off + i];
            p.BumpVersion();
            off += n;
        }
    }

    private float[][] CloneParams() => Params.Select(p => { var (d, o) = ParamData(p, "LBFGS"); return d.AsSpan(o, p.Numel()).ToArray(); }).ToArray();

    private void SetParams(float[][] values)
    {
        for (int k = 0; k < Params.Count; k++)
        {
            var (d, o) = ParamData(Params[k], "LBFGS");
            values[k].CopyTo(d.AsSpan(o));
            Params[k].BumpVersion();
        }
    }

    private (double Loss, float[] Grad) DirectionalEvaluate(Func<Tensor> closure, float[][] x, double t, float[] d)
    {
        AddGrad(t, d);
        double loss = closure().Item();
        var g = GatherFlatGrad();
        SetParams(x);
        return (loss, g);
    }

    // float32 vector reductions, accumulated in double and rounded as PyTorch's 0-d float results are
    private static float Dot(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i]; return (float)s; }
    private static float MaxAbs(float[] a) { float m = 0; foreach (var v in a) { float x = MathF.Abs(v); if (x > m || float.IsNaN(x)) m = x; } return m; }
    private static float SumAbs(float[] a) { double s = 0; foreach (var v in a) s += Math.Abs(v); return (float)s; }

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        CountStep();
        if (closure == null) throw new ArgumentNullException(nameof(closure), "LBFGS.Step needs a closure that re-evaluates the model and returns the loss.");
        var group = ParamGroups[0];
        double lr = group.Lr, tolGrad = group.GetDouble("tolerance_grad"), tolChange = group.GetDouble("tolerance_change");
        int maxIter = group.GetInt("max_iter"), maxEval = group.GetInt("max_eval"), historySize = group.GetInt("history_size");
        bool lineSearch = group["line_search_fn"] is string;

        var state = StateOf(Params[0]);
        state.TryAdd("func_evals", 0);
        state.TryAdd("n_iter", 0);

        var origLoss = closure();
        double loss = origLoss.Item();
        int currentEvals = 1;
        state["func_evals"] = (int)state["func_evals"]! + 1;
        var flatGrad = GatherFlatGrad();
        bool optCond = MaxAbs(flatGrad) <= (float)tolGrad;
        if (optCond) return origLoss;

        var d = (state.GetValueOrDefault("d") as Tensor)?.ToArray<float>();
        double t = state.GetValueOrDefault("t") is double tt ? tt : 0;
        var oldDirs = (state.GetValueOrDefault("old_dirs") as List<Tensor>)?.Select(x => x.ToArray<float>()).ToList();
        var oldStps = (state.GetValueOrDefault("old_stps") as List<Tensor>)?.Select(x => x.ToArray<float>()).ToList();
        var ro = state.GetValueOrDefault("ro") is List<double> r0 ? new List<double>(r0) : null;
        double hDiag = state.GetValueOrDefault("H_diag") is double h ? h : 1;
        var prevFlatGrad = (state.GetValueOrDefault("prev_flat_grad") as Tensor)?.ToArray<float>();
        double prevLoss = state.GetValueOrDefault("prev_loss") is double pl ? pl : 0;

        int nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            int globalIter = (int)state["n_iter"]! + 1;
            state["n_iter"] = globalIter;

            if (globalIter == 1)
            {
                d = Neg(flatGrad);
                oldDirs = new List<float[]>(); oldStps = new List<float[]>(); ro = new List<double>();
                hDiag = 1;
            }
            else
            {
                int n = flatGrad.Length;
                var y = new float[n]; var s = new float[n];
                float ft = (float)t;
                for (int i = 0; i < n; i++) { y[i] = flatGrad[i] - prevFlatGrad![i]; s[i] = d![i] * ft; }
                float ys = Dot(y, s);
                if (ys > 1e-10)
                {
                    if (oldDirs!.Count == historySize) { oldDirs.RemoveAt(0); oldStps!.RemoveAt(0); ro!.RemoveAt(0); }
                    oldDirs.Add(y); oldStps!.Add(s); ro!.Add((float)(1.0 / ys));
                    hDiag = ys / Dot(y, y);
                }
                int numOld = oldDirs!.Count;
                var al = new float[numOld];
                var q = Neg(flatGrad);
                for (int k = numOld - 1; k >= 0; k--)
                {
                    al[k] = Dot(oldStps![k], q) * (float)ro![k];
                    float na = -al[k];
                    var od = oldDirs[k];
                    for (int i = 0; i < n; i++) q[i] += na * od[i];
                }
                float fh = (float)hDiag;
                for (int i = 0; i < n; i++) q[i] *= fh;
                for (int k = 0; k < numOld; k++)
                {
                    float be = Dot(oldDirs[k], q) * (float)ro![k];
                    float a = al[k] - be;
                    var os = oldStps![k];
                    for (int i = 0; i < n; i++) q[i] += a * os[i];
                }
                d = q;
            }

            prevFlatGrad = (float[])flatGrad.Clone();
            prevLoss = loss;

            if (globalIter == 1)
            {
                float inv = 1f / SumAbs(flatGrad);
                t = inv < 1f ? (double)(inv * (float)lr) : 1.0 * lr;
            }
            else t = lr;

            float gtd = Dot(flatGrad, d!);
            if (gtd > -tolChange) break;

            int lsEvals = 0;
            if (lineSearch)
            {
                var xInit = CloneParams();
                (loss, flatGrad, t, lsEvals) = StrongWolfe((x, tt2, dd) => DirectionalEvaluate(closure, x, tt2, dd), xInit, t, d!, loss, flatGrad, gtd, tolChange);
                AddGrad(t, d!);
                optCond = MaxAbs(flatGrad) <= (float)tolGrad;
            }
            else
            {
                AddGrad(t, d!);
                if (nIter != maxIter)
                {
                    loss = closure().Item();
                    flatGrad = GatherFlatGrad();
                    optCond = MaxAbs(flatGrad) <= (float)tolGrad;
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            state["func_evals"] = (int)state["func_evals"]! + lsEvals;

            if (nIter == maxIter) break;
            if (currentEvals >= maxEval) break;
            if (optCond) break;
            float ftt = (float)t, maxStep = 0;
            foreach (var v in d!) maxStep = Math.Max(maxStep, MathF.Abs(v * ftt));
            if (maxStep <= tolChange) break;
            if (Math.Abs(loss - prevLoss) < tolChange) break;
        }

        state["d"] = d == null ? null : Tensor.Wrap(d, d.Length);
        state["t"] = t;
        state["old_dirs"] = oldDirs?.Select(x => Tensor.Wrap(x, x.Length)).ToList();
        state["old_stps"] = oldStps?.Select(x => Tensor.Wrap(x, x.Length)).ToList();
        state["ro"] = ro;
        state["H_diag"] = hDiag;
        state["prev_flat_grad"] = prevFlatGrad == null ? null : Tensor.Wrap(prevFlatGrad, prevFlatGrad.Length);
        state["prev_loss"] = prevLoss;
        return origLoss;
    }

    private static float[] Neg(float[] a) { var r = new float[a.Length]; for (int i = 0; i < a.Length; i++) r[i] = -a[i]; return r; }

    /// <summary>Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds (default: between
    /// the two points); the bounds' midpoint when the cubic has no real minimiser.</summary>
    internal static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double Min, double Max)? bounds = null)
    {
        var (lo, hi) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            double d2 = Math.Sqrt(d2Square);
            double minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, lo), hi);
        }
        return (lo + hi) / 2;
    }

    /// <summary>PyTorch's <c>_strong_wolfe</c>: bracketing phase, then zoom with safeguarded cubic interpolation.</summary>
    private static (double F, float[] G, double T, int Evals) StrongWolfe(
        Func<float[][], double, float[], (double, float[])> obj, float[][] x, double t, float[] d, double f, float[] g,
        double gtd, double toleranceChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        double dNorm = MaxAbs(d);
        g = (float[])g.Clone();
        var (fNew, gNew) = obj(x, t, d);
        int evals = 1;
        double gtdNew = Dot(gNew, d);
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        float[] gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket = Array.Empty<double>(), bracketF = Array.Empty<double>(), bracketGtd = new double[2];
        float[][] bracketG = Array.Empty<float[]>();
        while (lsIter < maxLs)
        {
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                bracket = new[] { tPrev, t }; bracketF = new[] { fPrev, fNew };
                bracketG = new[] { gPrev, (float[])gNew.Clone() }; bracketGtd = new[] { gtdPrev, gtdNew };
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                bracket = new[] { t }; bracketF = new[] { fNew }; bracketG = new[] { gNew };
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                bracket = new[] { tPrev, t }; bracketF = new[] { fPrev, fNew };
                bracketG = new[] { gPrev, (float[])gNew.Clone() }; bracketGtd = new[] { gtdPrev, gtdNew };
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp; fPrev = fNew; gPrev = (float[])gNew.Clone(); gtdPrev = gtdNew;
            (fNew, gNew) = obj(x, t, d);
            evals++;
            gtdNew = Dot(gNew, d);
            lsIter++;
        }
        if (lsIter == maxLs)
        {
            bracket = new[] { 0, t }; bracketF = new[] { f, fNew }; bracketG = new[] { g, gNew };
        }

        bool insufProgress = false;
        var (low, high) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            double bMax = Math.Max(bracket[0], bracket[1]), bMin = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (bMax - bMin);
            if (Math.Min(bMax - t, t - bMin) < eps)
            {
                if (insufProgress || t >= bMax || t <= bMin)
                {
                    t = Math.Abs(t - bMax) < Math.Abs(t - bMin) ? bMax - eps : bMin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;

            (fNew, gNew) = obj(x, t, d);
            evals++;
            gtdNew = Dot(gNew, d);
            lsIter++;

            if (fNew > f + c1 * t * gtd || fNew >= bracketF[low])
            {
                bracket[high] = t; bracketF[high] = fNew; bracketG[high] = (float[])gNew.Clone(); bracketGtd[high] = gtdNew;
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                {
                    bracket[high] = bracket[low]; bracketF[high] = bracketF[low];
                    bracketG[high] = bracketG[low]; bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t; bracketF[low] = fNew; bracketG[low] = (float[])gNew.Clone(); bracketGtd[low] = gtdNew;
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evals);
    }
}
