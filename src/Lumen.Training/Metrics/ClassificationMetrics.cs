namespace Lumen.Training.Metrics;

/// <summary>
/// Accumulates a classifier's outputs batch by batch over an epoch and computes its metrics at the end:
/// mean loss, accuracy (exact-match and Hamming for multi-label), top-k accuracy, per-class accuracy, confusion
/// matrix, per-class and averaged precision / recall / F1, and per-class AUROC and average precision, all as
/// scikit-learn defines them (see <see cref="ClassificationResult"/>).
/// <para>Outputs are copied into buffers allocated once for <c>capacity</c> examples (pass the dataset size), as
/// seed 000 recommends over concatenating per batch; counts (confusion matrix, top-k hits, loss) are kept as running
/// sums. <see cref="Update"/> allocates nothing once its buffers are large enough; <see cref="Compute"/> sorts each
/// score column once, O(N log N). One accumulator serves one loop: it is not thread-safe.</para>
/// <code>
/// var metrics = new ClassificationMetrics(10, capacity: testSet.Count, topK: new[] { 5 });
/// foreach (var (x, y) in loader) { var logits = model.Forward(x); metrics.Update(logits, y, loss: F.CrossEntropy(logits, y).Item()); }
/// var r = metrics.Compute();   // r.Accuracy, r.ConfusionMatrix, r.Report(classNames), r.MeanAuroc …
/// </code>
/// </summary>
public sealed class ClassificationMetrics
{
    private readonly int _c;            // classes
    private readonly int _cols;         // score columns: 1 for binary, C otherwise
    private readonly bool _fromLogits;
    private readonly double _threshold;      // on probabilities
    private readonly double _scoreThreshold; // the same threshold on the stored scores (a logit when fromLogits)
    private readonly int[] _topK;
    private readonly bool _ranking;

    // Stored per example (only when ranking metrics are on): scores (N, cols) and targets.
    private float[] _scores;
    private int[] _classTargets;   // multi-class: class index per example
    private byte[] _labelTargets;  // binary / multi-label: (N, cols) 0/1

    // Running sums.
    private int _count;
    private double _lossSum;
    private long _lossCount;
    private long _exactMatches;
    private long _labelMatches;              // correct (example, label) decisions (multi-label)
    private readonly long[] _confusion;      // single-label: (C, C), rows = true class
    private readonly long[] _tp, _fp, _fn;   // multi-label: per label
    private readonly long[] _topKHits;
    private double _samplePrecisionSum, _sampleRecallSum, _sampleF1Sum;

    // Reused scratch for batches that cannot be read in place.
    private float[] _batchScores = Array.Empty<float>();
    private long[] _scratchI64 = Array.Empty<long>();
    private float[] _scratchF32 = Array.Empty<float>();
    private byte[] _scratchU8 = Array.Empty<byte>();
    private bool[] _scratchBool = Array.Empty<bool>();

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="numClasses">C: number of classes (multi-class), labels (multi-label), or 2 (binary).</param>
    /// <param name="capacity">Examples to preallocate buffers for (the dataset size); buffers grow by doubling when
    /// more arrive. Only ranking metrics (AUROC, AP) store examples.</param>
    /// <param name="task">Multi-class, multi-label or binary classification.</param>
    /// <param name="fromLogits">True when outputs are logits (softmax / sigmoid is applied where probabilities are
    /// needed); false when they are already probabilities.</param>
    /// <param name="threshold">Multi-label and binary: a label is predicted when its probability exceeds this value
    /// (strictly); with logits this is tested as logit &gt; log(t / (1 − t)), so 0.5 means logit &gt; 0.</param>
    /// <param name="topK">Multi-class: the k values to report top-k accuracy for (each in 1..C).</param>
    /// <param name="ranking">Whether to store outputs and compute AUROC and average precision.</param>
    public ClassificationMetrics(int numClasses, int capacity = 0, ClassificationTask task = ClassificationTask.MultiClass,
        bool fromLogits = true, double threshold = 0.5, int[]? topK = null, bool ranking = true)
    {
        if (task == ClassificationTask.Binary && numClasses != 2)
            throw new ArgumentException($"ClassificationMetrics: a binary task has numClasses = 2 (negative, positive), got {numClasses}.");
        if (numClasses < 1) throw new ArgumentException($"ClassificationMetrics: numClasses must be positive, got {numClasses}.");
        if (capacity < 0) throw new ArgumentException($"ClassificationMetrics: capacity must be non-negative, got {capacity}.");
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentException($"ClassificationMetrics: threshold must lie in (0, 1), got {threshold}.");
        topK ??= Array.Empty<int>();
        if (topK.Length > 0 && task != ClassificationTask.MultiClass)
            throw new ArgumentException($"ClassificationMetrics: topK applies to multi-class tasks only, this one is {task}.");
        foreach (int k in topK)
            if (k < 1 || k > numClasses) throw new ArgumentException($"ClassificationMetrics: top-k value {k} must lie in 1..{numClasses}.");

        Task = task;
        _c = numClasses;
        _cols = task == ClassificationTask.Binary ? 1 : numClasses;
        _fromLogits = fromLogits;
        _threshold = threshold;
        _scoreThreshold = fromLogits ? Math.Log(threshold / (1 - threshold)) : threshold;
        _topK = topK.Distinct().Order().ToArray();
        _topKHits = new long[_topK.Length];
        _ranking = ranking;

        bool single = task != ClassificationTask.MultiLabel;
        _confusion = single ? new long[_c * _c] : Array.Empty<long>();
        _tp = single ? Array.Empty<long>() : new long[_c];
        _fp = single ? Array.Empty<long>() : new long[_c];
        _fn = single ? Array.Empty<long>() : new long[_c];

        int cap = ranking ? capacity : 0;
        CheckBufferSize(cap);
        _scores = new float[cap * _cols];
        _classTargets = task == ClassificationTask.MultiClass ? new int[cap] : Array.Empty<int>();
        _labelTargets = task == ClassificationTask.MultiClass ? Array.Empty<byte>() : new byte[(long)cap * _cols];
        Capacity = cap;
    }

    /// <summary>The kind of classifier scored.</summary>
    public ClassificationTask Task { get; }

    /// <summary>C, as given to the constructor.</summary>
    public int NumClasses => _c;

    /// <summary>Examples seen since construction or the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Examples the buffers hold without growing (0 when ranking metrics are off).</summary>
    public int Capacity { get; private set; }

    /// <summary>The threshold on probabilities used for multi-label and binary predictions.</summary>
    public double Threshold => _threshold;

    /// <summary>Running mean loss so far (batch-size weighted); NaN before any loss was passed.</summary>
    public double Loss => _lossCount == 0 ? double.NaN : _lossSum / _lossCount;

    /// <summary>Running accuracy so far (exact-match ratio for multi-label); NaN before any example.</summary>
    public double Accuracy => _count == 0 ? double.NaN : (double)_exactMatches / _count;

    /// <summary>Forgets every example and sum, keeping the buffers for the next epoch.</summary>
    public void Reset()
    {
        _count = 0; _lossSum = 0; _lossCount = 0; _exactMatches = 0; _labelMatches = 0;
        _samplePrecisionSum = _sampleRecallSum = _sampleF1Sum = 0;
        Array.Clear(_confusion); Array.Clear(_tp); Array.Clear(_fp); Array.Clear(_fn); Array.Clear(_topKHits);
    }

    /// <summary>Adds one batch.</summary>
    /// <param name="output">float32 network outputs (logits, or probabilities when constructed with
    /// <c>fromLogits: false</c>): (B, C) for multi-class and multi-label, (B) or (B, 1) for binary. Any strides.</param>
    /// <param name="target">Multi-class: int64 class indices (B) in [0, C). Multi-label: 0/1 targets (B, C); binary:
    /// 0/1 targets (B) or (B, 1); for those two, float32, int64, uint8 or bool.</param>
    /// <param name="loss">The batch's mean loss (reduction="mean"), if it should enter <see cref="ClassificationResult.Loss"/>;
    /// it is weighted by B.</param>
    public void Update(Tensor output, Tensor target, double? loss = null)
    {
        int b = CheckShapes(output, target);
        if (b == 0) return;
        if (_ranking) EnsureCapacity(_count + b);

        // The batch's scores, (B, cols) row-major: straight into the stored buffer when ranking, else into scratch.
        Span<float> scores = _ranking
            ? _scores.AsSpan(_count * _cols, b * _cols)
            : Grow(ref _batchScores, b * _cols).AsSpan(0, b * _cols);
        output.CopyTo(scores);

        if (Task == ClassificationTask.MultiClass) UpdateMultiClass(scores, ReadClassTargets(target, b), b);
        else UpdateLabels(scores, target, b);

        if (loss is double l) { _lossSum += l * b; _lossCount += b; }
        _count += b;
    }

    private void UpdateMultiClass(ReadOnlySpan<float> scores, ReadOnlySpan<long> targets, int b)
    {
        int c = _c;
        for (int i = 0; i < b; i++)
        {
            long t = targets[i];
            if ((ulong)t >= (ulong)c)
                throw new ArgumentException($"ClassificationMetrics.Update: target {t} at index {i} is not a class index in [0, {c}).");
            var row = scores.Slice(i * c, c);
            int pred = ArgMax(row);
            int ti = (int)t;
            _confusion[ti * c + pred]++;
            if (pred == ti) _exactMatches++;
            if (_topK.Length > 0)
            {
                // Rank of the true class: classes with a larger output, or an equal output and a smaller index.
                float st = row[ti];
                int rank = 0;
                for (int j = 0; j < c; j++) if (row[j] > st || (j < ti && row[j] == st)) rank++;
                for (int q = 0; q < _topK.Length; q++) if (rank < _topK[q]) _topKHits[q]++;
            }
            if (_ranking) _classTargets[_count + i] = ti;
        }
    }

    /// <summary>torch.argmax of one row: the first maximum, a NaN counting as the maximum.</summary>
    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        float bv = row[0];
        if (float.IsNaN(bv)) return 0;
        for (int j = 1; j < row.Length; j++)
        {
            float v = row[j];
            if (float.IsNaN(v)) return j;
            if (v > bv) { bv = v; best = j; }
        }
        return best;
    }

    private void UpdateLabels(ReadOnlySpan<float> scores, Tensor target, int b)
    {
        int cols = _cols, n = b * cols;
        Span<byte> labels = _ranking ? _labelTargets.AsSpan(_count * cols, n) : Grow(ref _scratchU8, n).AsSpan(0, n);
        ReadLabelTargets(target, labels);
        double thr = _scoreThreshold;
        for (int i = 0; i < b; i++)
        {
            int tpRow = 0, predRow = 0, trueRow = 0, matches = 0;
            for (int j = 0; j < cols; j++)
            {
                int y = labels[i * cols + j];
                int p = scores[i * cols + j] > thr ? 1 : 0;
                if (Task == ClassificationTask.Binary) _confusion[y * 2 + p]++;
                else if (y == 1) { if (p == 1) _tp[j]++; else _fn[j]++; }
                else if (p == 1) _fp[j]++;
                tpRow += y & p; predRow += p; trueRow += y;
                if (y == p) matches++;
            }
            if (matches == cols) _exactMatches++;
            _labelMatches += matches;
            // sklearn's average="samples": per-example P, R (0 on an empty denominator) and F1 = 2PR / (P + R).
            double pr = predRow == 0 ? 0 : (double)tpRow / predRow;
            double rc = trueRow == 0 ? 0 : (double)tpRow / trueRow;
            _samplePrecisionSum += pr;
            _sampleRecallSum += rc;
            _sampleF1Sum += pr + rc == 0 ? 0 : 2 * pr * rc / (pr + rc);
        }
    }

    /// <summary>The metrics of every example since the last <see cref="Reset"/>.</summary>
    public ClassificationResult Compute()
    {
        if (_count == 0) throw new InvalidOperationException("ClassificationMetrics.Compute: no examples were added since the last Reset.");
        int c = _c, n = _count;

        // One-vs-rest counts per class.
        var tp = new long[c]; var fp = new long[c]; var fn = new long[c]; var tn = new long[c];
        long[,]? confusion = null;
        if (Task == ClassificationTask.MultiLabel)
        {
            for (int k = 0; k < c; k++) { tp[k] = _tp[k]; fp[k] = _fp[k]; fn[k] = _fn[k]; }
        }
        else
        {
            confusion = new long[c, c];
            for (int t = 0; t < c; t++)
                for (int p = 0; p < c; p++)
                {
                    long v = _confusion[t * c + p];
                    confusion[t, p] = v;
                    if (t == p) tp[t] += v; else { fn[t] += v; fp[p] += v; }
                }
        }
        var mcm = new long[c, 2, 2];
        var support = new long[c];
        for (int k = 0; k < c; k++)
        {
            tn[k] = n - tp[k] - fp[k] - fn[k];
            mcm[k, 0, 0] = tn[k]; mcm[k, 0, 1] = fp[k]; mcm[k, 1, 0] = fn[k]; mcm[k, 1, 1] = tp[k];
            support[k] = tp[k] + fn[k];
        }

        // Precision / recall / F1 with sklearn's zero_division default (0, flagged).
        var precision = new double[c]; var recall = new double[c]; var f1 = new double[c];
        var pIll = new bool[c]; var rIll = new bool[c];
        for (int k = 0; k < c; k++)
        {
            (precision[k], pIll[k]) = Ratio(tp[k], tp[k] + fp[k]);
            (recall[k], rIll[k]) = Ratio(tp[k], tp[k] + fn[k]);
            f1[k] = F1(precision[k], recall[k]);
        }
        long supportSum = support.Sum();
        double Weighted(double[] v)
        {
            if (supportSum == 0) return 0;
            double s = 0;
            for (int k = 0; k < c; k++) s += v[k] * support[k];
            return s / supportSum;
        }
        double microP = Ratio(tp.Sum(), tp.Sum() + fp.Sum()).Value;
        double microR = Ratio(tp.Sum(), tp.Sum() + fn.Sum()).Value;

        var perClassAccuracy = new double[c];
        for (int k = 0; k < c; k++)
            perClassAccuracy[k] = Task == ClassificationTask.MultiLabel ? (double)(tp[k] + tn[k]) / n : recall[k];

        var topK = new SortedDictionary<int, double>();
        for (int q = 0; q < _topK.Length; q++) topK[_topK[q]] = (double)_topKHits[q] / n;

        double accuracy = (double)_exactMatches / n;
        bool ml = Task == ClassificationTask.MultiLabel;
        var (auroc, ap) = _ranking ? RankingMetrics() : (Array.Empty<double>(), Array.Empty<double>());

        return new ClassificationResult
        {
            Task = Task, NumClasses = c, Count = n, Loss = Loss,
            Accuracy = accuracy, ExactMatchRatio = accuracy,
            HammingAccuracy = ml ? (double)_labelMatches / ((double)n * c) : accuracy,
            TopKAccuracy = topK, PerClassAccuracy = perClassAccuracy,
            ConfusionMatrix = confusion, LabelConfusionMatrices = mcm, Support = support,
            Precision = precision, Recall = recall, F1 = f1, PrecisionIllDefined = pIll, RecallIllDefined = rIll,
            MacroPrecision = precision.Average(), MacroRecall = recall.Average(), MacroF1 = f1.Average(),
            WeightedPrecision = Weighted(precision), WeightedRecall = Weighted(recall), WeightedF1 = Weighted(f1),
            MicroPrecision = microP, MicroRecall = microR, MicroF1 = F1(microP, microR),
            SamplesPrecision = ml ? _samplePrecisionSum / n : double.NaN,
            SamplesRecall = ml ? _sampleRecallSum / n : double.NaN,
            SamplesF1 = ml ? _sampleF1Sum / n : double.NaN,
            Auroc = auroc, AveragePrecision = ap,
            MeanAuroc = NanMean(auroc), MeanAveragePrecision = NanMean(ap),
        };
    }

    private static (double Value, bool IllDefined) Ratio(long num, long den) => den == 0 ? (0, true) : ((double)num / den, false);

    private static double F1(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);

    private static double NanMean(double[] v)
    {
        double s = 0; int m = 0;
        foreach (double x in v) if (!double.IsNaN(x)) { s += x; m++; }
        return m == 0 ? double.NaN : s / m;
    }

    /// <summary>AUROC and AP per score column, columns spread over the intra-op threads.</summary>
    private (double[] Auroc, double[] Ap) RankingMetrics()
    {
        int n = _count, cols = _cols;
        var auroc = new double[cols];
        var ap = new double[cols];

        // Multi-class logits: one-vs-rest on softmax probabilities, computed in double: p = exp(s − max) / Σ exp(s − max).
        double[]? rowMax = null, rowSum = null;
        bool softmax = Task == ClassificationTask.MultiClass && _fromLogits;
        if (softmax)
        {
            rowMax = new double[n]; rowSum = new double[n];
            for (int i = 0; i < n; i++)
            {
                var row = _scores.AsSpan(i * cols, cols);
                double m = double.NegativeInfinity;
                foreach (float v in row) m = Math.Max(m, v);
                double s = 0;
                foreach (float v in row) s += Math.Exp(v - m);
                rowMax[i] = m; rowSum[i] = s;
            }
        }

        int grain = (int)Math.Min(cols, (1L << 15) / n + 1); // columns per chunk: ~32k examples of work at least
        Torch.ParallelFor(0, cols, grain, (start, end) =>
        {
            var keys = new double[n];
            var labels = new byte[n];
            for (int k = start; k < end; k++)
            {
                for (int i = 0; i < n; i++)
                {
                    double v = _scores[i * cols + k];
                    keys[i] = softmax ? Math.Exp(v - rowMax![i]) / rowSum![i] : v;
                    labels[i] = Task == ClassificationTask.MultiClass ? (byte)(_classTargets[i] == k ? 1 : 0) : _labelTargets[i * cols + k];
                }
                (auroc[k], ap[k]) = RankingKernels.AurocAndAveragePrecision(keys, labels);
            }
        });
        return (auroc, ap);
    }

    // ------------------------------------------------------------------ input checks and reads

    private string Name => $"ClassificationMetrics({Task}, {_c} classes).Update";

    /// <summary>Checks dtypes and shapes; returns the batch size B.</summary>
    private int CheckShapes(Tensor output, Tensor target)
    {
        if (output.DType != DType.Float32)
            throw new ArgumentException($"{Name}: output must be float32, got {output.DType.TorchName()}.");
        var os = output.Shape; var ts = target.Shape;
        string Shapes() => $"output {os}, target {ts}";
        switch (Task)
        {
            case ClassificationTask.MultiClass:
                if (os.Count != 2 || os[1] != _c || ts.Count != 1 || ts[0] != os[0])
                    throw new ShapeMismatchException($"{Name}: expected output (N, {_c}) and int64 target (N), got {Shapes()}.");
                if (target.DType != DType.Int64)
                    throw new ArgumentException($"{Name}: target must hold int64 class indices, got {target.DType.TorchName()}.");
                return os[0];
            case ClassificationTask.MultiLabel:
                if (os.Count != 2 || os[1] != _c || ts.Count != 2 || ts[0] != os[0] || ts[1] != _c)
                    throw new ShapeMismatchException($"{Name}: expected output (N, {_c}) and 0/1 target (N, {_c}), got {Shapes()}.");
                return os[0];
            default:
                bool okOut = os.Count == 1 || (os.Count == 2 && os[1] == 1);
                bool okTarget = ts.Count == 1 || (ts.Count == 2 && ts[1] == 1);
                if (!okOut || !okTarget || ts[0] != os[0])
                    throw new ShapeMismatchException($"{Name}: expected output (N) or (N, 1) and 0/1 target of the same length, got {Shapes()}.");
                return os[0];
        }
    }

    private ReadOnlySpan<long> ReadClassTargets(Tensor target, int b)
    {
        if (target.IsContiguous()) return target.AsSpan<long>();
        var dst = Grow(ref _scratchI64, b).AsSpan(0, b);
        target.CopyTo(dst);
        return dst;
    }

    /// <summary>Copies 0/1 targets of any supported dtype into <paramref name="dst"/>, rejecting other values.</summary>
    private void ReadLabelTargets(Tensor target, Span<byte> dst)
    {
        int n = dst.Length;
        switch (target.DType)
        {
            case DType.Float32:
            {
                var src = Grow(ref _scratchF32, n).AsSpan(0, n);
                target.CopyTo(src);
                for (int i = 0; i < n; i++)
                {
                    float v = src[i];
                    if (v == 0f) dst[i] = 0;
                    else if (v == 1f) dst[i] = 1;
                    else throw NotBinary(v.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
                }
                break;
            }
            case DType.Int64:
            {
                var src = Grow(ref _scratchI64, n).AsSpan(0, n);
                target.CopyTo(src);
                for (int i = 0; i < n; i++)
                {
                    long v = src[i];
                    if ((ulong)v > 1) throw NotBinary(v.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
                    dst[i] = (byte)v;
                }
                break;
            }
            case DType.UInt8:
                target.CopyTo(dst);
                for (int i = 0; i < n; i++) if (dst[i] > 1) throw NotBinary(dst[i].ToString(System.Globalization.CultureInfo.InvariantCulture), i);
                break;
            case DType.Bool:
            {
                var src = Grow(ref _scratchBool, n).AsSpan(0, n);
                target.CopyTo(src);
                for (int i = 0; i < n; i++) dst[i] = src[i] ? (byte)1 : (byte)0;
                break;
            }
        }
    }

    private ArgumentException NotBinary(string value, int flatIndex) =>
        new($"{Name}: target value {value} at flat index {flatIndex} is not 0 or 1.");

    private void CheckBufferSize(long examples)
    {
        if (examples * _cols > Array.MaxLength)
            throw new InvalidOperationException(
                $"ClassificationMetrics: storing {examples} examples × {_cols} scores exceeds one array's limit ({Array.MaxLength}); pass ranking: false to keep counts only.");
    }

    private static T[] Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size) buffer = new T[Math.Max(size, buffer.Length * 2)];
        return buffer;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= Capacity) return;
        CheckBufferSize(needed);
        int cap = (int)Math.Min(Math.Max(needed, 2L * Capacity), Array.MaxLength / _cols);
        Array.Resize(ref _scores, cap * _cols);
        if (Task == ClassificationTask.MultiClass) Array.Resize(ref _classTargets, cap);
        else Array.Resize(ref _labelTargets, cap * _cols);
        Capacity = cap;
    }
}
