"""Golden values for Lumen.Training.Metrics (ClassificationMetrics), computed with scikit-learn (Debian's
python3-sklearn 1.2.1) and cross-checked against textbook formulas (Mann-Whitney U for AUROC, counts for the
confusion matrix) so that a bug in either would show.

Each case holds the network outputs ("scores": logits or probabilities), the targets, the batch sizes in which a
test feeds them to ClassificationMetrics.Update together with each batch's mean loss, and every number that
ClassificationMetrics.Compute() reports, as plain JSON doubles ("nan" where undefined).

Lumen's conventions that the references follow (sklearn takes hard predictions, so they are made here):
  * multi-class prediction = first index of the maximum score (torch.argmax);
  * binary / multi-label prediction = probability > threshold (0.5), i.e. logit > 0 for logits;
  * top-k: the true class counts as found when fewer than k classes rank ahead of it, where a class ranks ahead
    when its score is larger, or equal and its index smaller (so top-1 accuracy equals accuracy);
  * AUROC / average precision per score column: multi-class one-vs-rest on softmax probabilities (computed in
    float64 from the float32 logits), binary and multi-label on the raw scores (both metrics depend only on the
    order of the scores, and sigmoid is increasing); NaN where undefined (AUROC: only one class present in the
    column's targets; AP: no positive target). Means are over the defined columns.
"""
import warnings

import numpy as np
import torch
import torch.nn.functional as F
try:
    from scipy.stats import rankdata
    from sklearn import metrics as skm
    from sklearn.exceptions import UndefinedMetricWarning
except ImportError as e:
    raise SystemExit(f"gen_metrics.py needs scikit-learn (apt-get install python3-sklearn): {e}")

from common import save, seeded, t

warnings.simplefilter("ignore", UndefinedMetricWarning)
warnings.simplefilter("ignore", UserWarning)  # "No positive class found in y_true" from precision_recall_curve


def nums(a):
    return [("nan" if np.isnan(v) else float(v)) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def num(v):
    return "nan" if np.isnan(v) else float(v)


def mann_whitney_auc(y, s):
    """AUROC as the probability that a random positive outscores a random negative, ties counting half."""
    pos = y.sum()
    neg = len(y) - pos
    ranks = rankdata(s)  # average ranks for ties
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def ranking(Y, S):
    """Per-column AUROC (NaN where undefined) and AP (sklearn's value, 0 with no positive) of 0/1 targets Y [N, K] and scores S [N, K]."""
    au, ap = [], []
    for k in range(Y.shape[1]):
        y, s = Y[:, k], S[:, k]
        if 0 < y.sum() < len(y):
            a = skm.roc_auc_score(y, s)
            assert abs(a - mann_whitney_auc(y, s)) < 1e-12, (a, mann_whitney_auc(y, s))
            au.append(a)
        else:
            au.append(np.nan)
        # With no positive, scikit-learn 1.2 warns ("No positive class found in y_true, recall is set to one for all
        # thresholds") and returns -0.0: AP is 0 there, not NaN (AUROC stays undefined). Recorded as sklearn gives it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ap.append(skm.average_precision_score(y, s) if len(y) > 0 else np.nan)
    au, ap = np.array(au), np.array(ap)
    mean = lambda v: np.nan if np.all(np.isnan(v)) else np.nanmean(v)
    return au, ap, mean(au), mean(ap)


def prf(y_true, y_pred, C, multilabel):
    labels = list(range(C))
    r = {}
    p, rc, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None)
    r.update(precision=nums(p), recall=nums(rc), f1=nums(f), support=[int(v) for v in s])
    for avg in ["macro", "weighted", "micro"] + (["samples"] if multilabel else []):
        ap_, ar_, af_, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg)
        r[avg] = [float(ap_), float(ar_), float(af_)]
    mcm = skm.multilabel_confusion_matrix(y_true, y_pred, labels=labels)  # [C, 2, 2] = [[tn, fp], [fn, tp]]
    tp, fp, fn = mcm[:, 1, 1], mcm[:, 0, 1], mcm[:, 1, 0]
    r["label_confusion"] = [int(v) for v in mcm.reshape(-1)]
    r["precision_ill_defined"] = [bool(v) for v in (tp + fp == 0)]
    r["recall_ill_defined"] = [bool(v) for v in (tp + fn == 0)]
    return r


def batches(n, sizes):
    assert sum(sizes) == n
    out, i = [], 0
    for b in sizes:
        out.append((i, i + b))
        i += b
    return out


def multiclass(name, scores, y, sizes, logits=True, topk=(1, 2, 3), names=None):
    N, C = scores.shape
    s32 = scores.float()
    S = s32.double().numpy()
    yn = y.numpy()
    pred = s32.argmax(1).numpy()  # first maximum
    assert (pred == np.array([np.flatnonzero(r == r.max())[0] for r in S])).all()
    losses = [float(F.cross_entropy(s32[a:b], y[a:b])) if logits else float(F.nll_loss(s32[a:b].clamp_min(1e-7).log(), y[a:b]))
              for a, b in batches(N, sizes)]
    loss = sum(l * (b - a) for l, (a, b) in zip(losses, batches(N, sizes))) / N
    P = torch.softmax(s32.double(), 1).numpy() if logits else S
    onehot = np.eye(C, dtype=np.int64)[yn]
    au, ap, mau, map_ = ranking(onehot, P)
    cm = skm.confusion_matrix(yn, pred, labels=list(range(C)))
    assert cm.sum() == N and (np.diag(cm).sum() == (pred == yn).sum())
    topk_acc = []
    for k in topk:
        rank = np.array([(S[i] > S[i, yn[i]]).sum() + (S[i, :yn[i]] == S[i, yn[i]]).sum() for i in range(N)])
        acc_k = float((rank < k).mean())
        if len(np.unique(S, axis=None)) == S.size and k < C:  # no ties anywhere: sklearn's definition agrees
            assert abs(acc_k - skm.top_k_accuracy_score(yn, S, k=k, labels=list(range(C)))) < 1e-15
        topk_acc.append(acc_k)
    assert topk_acc[0] == skm.accuracy_score(yn, pred)
    c = {"task": "multiclass", "logits": logits, "num_classes": C, "scores": t(s32), "targets": t(y),
         "batch_sizes": list(sizes), "batch_losses": losses, "loss": loss,
         "accuracy": float(skm.accuracy_score(yn, pred)),
         "hamming_accuracy": 1.0 - float(skm.hamming_loss(yn, pred)),
         "topk": list(topk), "topk_accuracy": topk_acc,
         "confusion": [int(v) for v in cm.reshape(-1)],
         "auroc": nums(au), "ap": nums(ap), "mean_auroc": num(mau), "mean_ap": num(map_)}
    c.update(prf(yn, pred, C, False))
    c["per_class_accuracy"] = c["recall"]
    if set(np.unique(np.r_[yn, pred])) == set(range(C)):  # sklearn prints "accuracy" (not "micro avg") only then
        for d in (2, 4):
            c[f"report_{d}"] = skm.classification_report(yn, pred, labels=list(range(C)), target_names=names, digits=d)
    if names is not None:
        c["class_names"] = names
    cases[name] = c


def binary(name, scores, y, sizes, logits=True):
    """scores [N] or [N, 1]; targets any dtype of 0/1."""
    N = scores.shape[0]
    s32 = scores.float()
    s = s32.reshape(-1).double().numpy()
    yn = y.reshape(-1).numpy().astype(np.int64)
    pred = (s > 0).astype(np.int64) if logits else (s > 0.5).astype(np.int64)
    yf = y.reshape(-1).float()
    if logits:
        losses = [float(F.binary_cross_entropy_with_logits(s32.reshape(-1)[a:b], yf[a:b])) for a, b in batches(N, sizes)]
    else:
        losses = [float(F.binary_cross_entropy(s32.reshape(-1)[a:b], yf[a:b])) for a, b in batches(N, sizes)]
    loss = sum(l * (b - a) for l, (a, b) in zip(losses, batches(N, sizes))) / N
    au, ap, mau, map_ = ranking(yn[:, None], s[:, None])
    cm = skm.confusion_matrix(yn, pred, labels=[0, 1])
    c = {"task": "binary", "logits": logits, "num_classes": 2, "scores": t(s32), "targets": t(y),
         "batch_sizes": list(sizes), "batch_losses": losses, "loss": loss,
         "accuracy": float(skm.accuracy_score(yn, pred)),
         "hamming_accuracy": 1.0 - float(skm.hamming_loss(yn, pred)),
         "confusion": [int(v) for v in cm.reshape(-1)],
         "auroc": nums(au), "ap": nums(ap), "mean_auroc": num(mau), "mean_ap": num(map_)}
    c.update(prf(yn, pred, 2, False))
    c["per_class_accuracy"] = c["recall"]
    if set(np.unique(np.r_[yn, pred])) == {0, 1}:
        c["report_2"] = skm.classification_report(yn, pred, labels=[0, 1], digits=2)
    cases[name] = c


def multilabel(name, scores, Y, sizes, logits=True, names=None):
    N, C = scores.shape
    s32 = scores.float()
    S = s32.double().numpy()
    Yn = Y.numpy().astype(np.int64)
    pred = (S > 0).astype(np.int64) if logits else (S > 0.5).astype(np.int64)
    Yf = Y.float()
    if logits:
        losses = [float(F.binary_cross_entropy_with_logits(s32[a:b], Yf[a:b])) for a, b in batches(N, sizes)]
    else:
        losses = [float(F.binary_cross_entropy(s32[a:b], Yf[a:b])) for a, b in batches(N, sizes)]
    loss = sum(l * (b - a) for l, (a, b) in zip(losses, batches(N, sizes))) / N
    au, ap, mau, map_ = ranking(Yn, S)
    exact = float(skm.accuracy_score(Yn, pred))  # subset accuracy for multi-label indicators
    assert exact == float((pred == Yn).all(1).mean())
    c = {"task": "multilabel", "logits": logits, "num_classes": C, "scores": t(s32), "targets": t(Y),
         "batch_sizes": list(sizes), "batch_losses": losses, "loss": loss,
         "accuracy": exact, "exact_match": exact,
         "hamming_accuracy": 1.0 - float(skm.hamming_loss(Yn, pred)),
         "per_class_accuracy": nums((pred == Yn).mean(0)),
         "auroc": nums(au), "ap": nums(ap), "mean_auroc": num(mau), "mean_ap": num(map_)}
    c.update(prf(Yn, pred, C, True))
    c["report_2"] = skm.classification_report(Yn, pred, labels=list(range(C)), target_names=names, digits=2)
    if names is not None:
        c["class_names"] = names
    cases[name] = c


seeded(0)
cases = {}

# ---- multi-class
C = 5
multiclass("mc_random", torch.randn(200, C) * 1.5, torch.randint(0, C, (200,)), [64, 64, 50, 22],
           names=["plane", "car", "bird", "cat", "deer"])

# class 5 never occurs in the targets, class 4 is never predicted (its logit is always lowest)
s = torch.randn(90, 6)
s[:, 4] -= 20
multiclass("mc_zero_support", s, torch.randint(0, 5, (90,)), [32, 32, 26])

# probabilities from a tiny set of values: ties everywhere (argmax, top-k and the ROC curves)
levels = torch.tensor([0.0, 0.125, 0.25, 0.5])
multiclass("mc_ties", levels[torch.randint(0, 4, (120, 4))], torch.randint(0, 4, (120,)), [40, 40, 40],
           logits=False, topk=(1, 2, 3))

y = torch.randint(0, 4, (60,))
perfect = torch.randn(60, 4)
perfect[torch.arange(60), y] += 10
multiclass("mc_perfect", perfect, y, [30, 30])
worst = torch.randn(60, 4).abs() + 1
worst[torch.arange(60), y] = -5  # the true class is always ranked last
multiclass("mc_worst", worst, y, [16, 16, 16, 12], topk=(1, 3, 4))

# ---- binary
yb = torch.randint(0, 2, (150,)).float()
binary("bin_random", torch.randn(150) + yb * 0.8, yb, [50, 50, 50])
yb = torch.randint(0, 2, (100, 1))
binary("bin_ties", torch.randint(0, 11, (100, 1)).float() / 10, yb, [25, 25, 25, 25], logits=False)
binary("bin_one_class", torch.randn(40), torch.zeros(40), [40])
yb = torch.randint(0, 2, (50,))
binary("bin_perfect", torch.where(yb == 1, 2.0, -2.0) + torch.rand(50) * 0.1, yb, [25, 25])
binary("bin_worst", torch.where(yb == 1, -2.0, 2.0) + torch.rand(50) * 0.1, yb, [25, 25])

# ---- multi-label (label 3 never positive, label 4 always positive)
Y = (torch.rand(120, 5) < 0.4).float()
Y[:, 3] = 0
Y[:, 4] = 1
multilabel("ml_random", torch.randn(120, 5) + Y, Y, [50, 50, 20], names=["person", "dog", "sofa", "boat", "sky"])
Y = (torch.rand(80, 3) < 0.5).float()
multilabel("ml_ties", torch.randint(0, 5, (80, 3)).float() / 4, Y, [40, 40], logits=False)

save("metrics", cases)
