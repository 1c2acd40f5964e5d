"""Golden values for the losses (Lumen.NN.F.* and the loss modules): forward output, grad_fn name and the gradients
w.r.t. input (and target where PyTorch makes it differentiable) of a fixed random upstream gradient.
Each case stores its family, reduction and options, so the C# test calls the same function with the same arguments."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import save, seeded, t

REDUCTIONS = ["mean", "sum", "none"]
cases = {}


def call(family, x, y, red, p):
    w, pw = p.get("weight"), p.get("pos_weight")
    if family == "mse":
        return F.mse_loss(x, y, reduction=red)
    if family == "l1":
        return F.l1_loss(x, y, reduction=red)
    if family == "smooth_l1":
        return F.smooth_l1_loss(x, y, reduction=red, beta=p.get("beta", 1.0))
    if family == "huber":
        return F.huber_loss(x, y, reduction=red, delta=p.get("delta", 1.0))
    if family == "ce":
        return F.cross_entropy(x, y, weight=w, ignore_index=p.get("ignore_index", -100), reduction=red,
                               label_smoothing=p.get("label_smoothing", 0.0))
    if family == "nll":
        return F.nll_loss(x, y, weight=w, ignore_index=p.get("ignore_index", -100), reduction=red)
    if family == "bce":
        return F.binary_cross_entropy(x, y, weight=w, reduction=red)
    if family == "bcel":
        return F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction=red)
    if family == "kl":
        return F.kl_div(x, y, reduction=red, log_target=p.get("log_target", False))
    raise ValueError(family)


def record(name, family, red, x, y, upstream_seed, **p):
    """Runs the loss on leaves x, y (y gets a gradient when it is a float tensor) and stores what a test needs."""
    x = x.detach().clone().requires_grad_(True)
    y = y.detach().clone().requires_grad_(y.dtype.is_floating_point)
    out = call(family, x, y, red, p)
    torch.manual_seed(upstream_seed)
    g = torch.randn(out.shape)
    out.backward(g)
    case = {"family": family, "reduction": red, "x": t(x), "y": t(y), "out": t(out), "g": t(g),
            "grad_fn": type(out.grad_fn).__name__, "gx": t(x.grad)}
    if y.grad is not None:
        case["gy"] = t(y.grad)
    for k, v in p.items():
        case[k] = t(v) if isinstance(v, torch.Tensor) else v
    cases[name] = case


seeded(0)

# ---------------------------------------------------------------- regression losses
x0, y0 = torch.randn(3, 5), torch.randn(3, 5)
for red in REDUCTIONS:
    record(f"mse_{red}", "mse", red, x0, y0, 1)
    record(f"l1_{red}", "l1", red, x0, y0, 2)
    record(f"smooth_l1_{red}", "smooth_l1", red, x0 * 2, y0, 3)
    record(f"smooth_l1_beta_{red}", "smooth_l1", red, x0, y0, 4, beta=0.5)
    record(f"huber_{red}", "huber", red, x0 * 2, y0, 5)
    record(f"huber_delta_{red}", "huber", red, x0 * 3, y0, 6, delta=2.0)
record("mse_broadcast", "mse", "mean", x0, torch.randn(5), 7)
record("smooth_l1_beta0", "smooth_l1", "sum", x0, y0, 8, beta=0.0)

# ---------------------------------------------------------------- cross-entropy
logits = torch.randn(6, 5)
labels = torch.tensor([1, 0, 4, 2, 3, 2])
w5 = torch.rand(5) + 0.5
probs = torch.randn(6, 5).softmax(1)
px = torch.randn(2, 3, 4, 5)
pt = torch.randint(0, 3, (2, 4, 5))
pt[0, 1, 2] = -100
w3 = torch.tensor([0.5, 2.0, 1.25])
x3, t3 = torch.randn(2, 4, 3), torch.randint(0, 4, (2, 3))
x1 = torch.randn(7)
for red in REDUCTIONS:
    record(f"ce_{red}", "ce", red, logits, labels, 10)
    record(f"ce_weight_{red}", "ce", red, logits, labels, 11, weight=w5)
    # weights + label smoothing + ignored targets (default ignore_index -100) together
    record(f"ce_weight_smooth_ignore_{red}", "ce", red, logits, torch.tensor([1, -100, 4, 2, -100, 0]), 12,
           weight=w5, label_smoothing=0.2)
    record(f"ce_smooth_ignore_{red}", "ce", red, logits, labels, 13, label_smoothing=0.3, ignore_index=2)
    record(f"ce_prob_{red}", "ce", red, logits, probs, 14)
    record(f"ce_prob_weight_smooth_{red}", "ce", red, logits, probs, 15, weight=w5, label_smoothing=0.1)
    record(f"ce_pixel_{red}", "ce", red, px, pt, 16, weight=w3)
    record(f"ce_pixel_smooth_{red}", "ce", red, px, pt, 17, label_smoothing=0.15)
    record(f"ce_3d_{red}", "ce", red, x3, t3, 18)
    record(f"ce_unbatched_{red}", "ce", red, x1, torch.tensor(3), 19)
x5, t5 = torch.randn(2, 3, 2, 2, 3), torch.randint(0, 3, (2, 2, 2, 3))
record("ce_5d_none", "ce", "none", x5, t5, 20)
record("ce_5d_mean", "ce", "mean", x5, t5, 21)
record("ce_prob_pixel", "ce", "mean", torch.randn(2, 3, 4), torch.randn(2, 3, 4).softmax(1), 22)
record("ce_prob_unbatched", "ce", "sum", torch.randn(5), torch.randn(5).softmax(0), 23)
record("ce_large", "ce", "mean", torch.randn(17, 300) * 3, torch.randint(0, 300, (17,)), 24)
record("ce_extreme", "ce", "none", torch.tensor([[100., -100., 0.], [-100., 100., 50.], [100., 100., -100.]]),
       torch.tensor([1, 1, 2]), 25)
record("ce_all_ignored", "ce", "mean", torch.randn(2, 4), torch.tensor([-100, -100]), 26)
record("ce_all_ignored_sum", "ce", "sum", torch.randn(2, 4), torch.tensor([-100, -100]), 27)

# ---------------------------------------------------------------- NLL
lp = torch.randn(6, 5).log_softmax(1)
nx = torch.randn(3, 4, 5).log_softmax(1)
nt = torch.randint(0, 4, (3, 5))
nt[1, 3] = 1
w4 = torch.tensor([1.0, 0.3, 2.0, 0.7])
x4, t4 = torch.randn(2, 3, 2, 3), torch.randint(0, 3, (2, 2, 3))
for red in REDUCTIONS:
    record(f"nll_{red}", "nll", red, lp, labels, 30)
    record(f"nll_weight_3d_{red}", "nll", red, nx, nt, 31, weight=w4, ignore_index=1)
    record(f"nll_4d_{red}", "nll", red, x4, t4, 32)
record("nll_unbatched", "nll", "mean", torch.randn(4), torch.tensor(2), 33)

# ---------------------------------------------------------------- binary cross-entropy
bp = torch.randn(4, 3).sigmoid()
by = torch.rand(4, 3)
wb = torch.rand(3) + 0.5
bl = torch.randn(4, 3) * 3
pw3 = torch.tensor([0.5, 2.0, 3.0])
wcol = torch.rand(4, 1) + 0.5
for red in REDUCTIONS:
    record(f"bce_{red}", "bce", red, bp, by, 40)
    record(f"bce_weight_{red}", "bce", red, bp, by, 41, weight=wb)
    record(f"bcel_{red}", "bcel", red, bl, by, 42)
    record(f"bcel_posweight_{red}", "bcel", red, bl, by, 43, weight=wcol, pos_weight=pw3)
record("bce_extreme", "bce", "none", torch.tensor([0., 1., 1e-30, 1 - 1e-7, 0.5, 0., 1.]),
       torch.tensor([1., 0., 1., 0., 0.3, 0., 1.]), 44)
ext = torch.tensor([-100., -20., -1., 0., 1., 20., 100., -100., 100.])
ext_y = torch.tensor([0., 0.3, 1., 0.5, 0.2, 1., 0.7, 1., 0.])
record("bcel_extreme", "bcel", "none", ext, ext_y, 45)
record("bcel_extreme_posweight", "bcel", "none", ext, ext_y, 46, pos_weight=torch.tensor(2.5))

# ---------------------------------------------------------------- KL divergence
kx = torch.randn(3, 4).log_softmax(1)
ky = torch.randn(3, 4).softmax(1)
for red in REDUCTIONS + ["batchmean"]:
    record(f"kl_{red}", "kl", red, kx, ky, 50)
    record(f"kl_log_{red}", "kl", red, kx, ky.log(), 51, log_target=True)
record("kl_zero_target", "kl", "sum", kx, torch.tensor([[0., .5, .5, 0.]] * 3), 52)

# ---------------------------------------------------------------- seed 002's snippets, same seed in Lumen
torch.manual_seed(0)
loss = nn.MSELoss()
inp = torch.randn(2, 6, requires_grad=True)
tgt = torch.randn(2, 6)
out = loss(inp, tgt)
out.backward()
cases["seed002_mse"] = {"input": t(inp), "target": t(tgt), "out": t(out), "grad": t(inp.grad)}

torch.manual_seed(0)
loss = nn.CrossEntropyLoss()
inp = torch.randn(2, 6, requires_grad=True)
tgt = torch.LongTensor(2).random_(6)
out = loss(inp, tgt)
out.backward()
cases["seed002_ce"] = {"input": t(inp), "target": t(tgt), "out": t(out), "grad": t(inp.grad)}

save("loss", cases)
