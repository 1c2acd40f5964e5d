"""nn layers (Linear, activations, normalisation, dropout, shape): forward outputs, gradients of a fixed random upstream
gradient, seeded default initialisation, running statistics, dropout masks, and module reprs, from PyTorch 1.13."""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from common import save, t

warnings.filterwarnings("ignore")
cases = {}


def randn(*shape, seed, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g) * scale


def run(name, module, x, seed, extra=None):
    """Forward + backward of a module on x with a seeded upstream gradient; records input, output and all grads."""
    x = x.clone().requires_grad_(True)
    y = module(x)
    g = randn(*y.shape, seed=seed + 1000)
    y.backward(g)
    c = {"x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad)}
    for pname, p in module.named_parameters():
        c[pname] = t(p)
        c["d" + pname] = t(p.grad)
    if extra:
        c.update(extra)
    cases[name] = c


# ------------------------------------------------------------------ Linear
for name, shape, bias in [("linear_2d", (4, 5), True), ("linear_3d", (2, 3, 5), True), ("linear_2d_nobias", (6, 5), False),
                          ("linear_4d_nobias", (2, 2, 3, 5), False)]:
    torch.manual_seed(0)
    m = nn.Linear(5, 3, bias=bias)
    run(name, m, randn(*shape, seed=1), seed=2)

for (i, o) in [(3, 4), (20, 7)]:
    torch.manual_seed(0)
    m = nn.Linear(i, o)
    cases[f"linear_init_{i}_{o}"] = {"weight": t(m.weight), "bias": t(m.bias)}

x = randn(2, 6, seed=3)
m = nn.LazyLinear(4)
repr_before = repr(m)
torch.manual_seed(0)
y = m(x)
cases["lazy_linear"] = {"x": t(x), "y": t(y), "weight": t(m.weight), "bias": t(m.bias), "repr_before": repr_before, "repr_after": repr(m)}

torch.manual_seed(0)
m = nn.Bilinear(3, 2, 4)
x1 = randn(5, 3, seed=4).requires_grad_(True)
x2 = randn(5, 2, seed=5).requires_grad_(True)
y = m(x1, x2)
g = randn(*y.shape, seed=6)
y.backward(g)
cases["bilinear"] = {"x1": t(x1), "x2": t(x2), "y": t(y), "g": t(g), "dx1": t(x1.grad), "dx2": t(x2.grad), "weight": t(m.weight),
                     "bias": t(m.bias), "dweight": t(m.weight.grad), "dbias": t(m.bias.grad)}

# ------------------------------------------------------------------ activations (modules)
xa = randn(3, 4, 5, seed=7, scale=3.0)
xa[0, 0, :3] = torch.tensor([0.0, 6.0, -3.0])  # kinks
acts = {
    "relu": nn.ReLU(), "relu6": nn.ReLU6(), "leaky_relu": nn.LeakyReLU(0.2), "elu": nn.ELU(0.5), "selu": nn.SELU(),
    "celu": nn.CELU(0.7), "gelu": nn.GELU(), "gelu_tanh": nn.GELU("tanh"), "silu": nn.SiLU(), "sigmoid": nn.Sigmoid(),
    "tanh": nn.Tanh(), "hardtanh": nn.Hardtanh(-2.0, 3.0), "hardswish": nn.Hardswish(), "hardsigmoid": nn.Hardsigmoid(),
    "softplus": nn.Softplus(0.5, 10.0), "logsigmoid": nn.LogSigmoid(), "softmax": nn.Softmax(dim=1),
    "log_softmax": nn.LogSoftmax(dim=-1),
}
for k, m in acts.items():
    run("act_" + k, m, xa, seed=8)

for name, m, shape in [("prelu_shared", nn.PReLU(), (3, 4)), ("prelu_channels", nn.PReLU(3, 0.1), (2, 3, 2, 2))]:
    with torch.no_grad():
        if m.num_parameters > 1:
            m.weight.copy_(torch.tensor([0.1, -0.2, 0.3]))
    x = randn(*shape, seed=9)
    x.view(-1)[0] = 0.0
    run(name, m, x, seed=10)

# ------------------------------------------------------------------ batch norm (train several steps, then eval)
def bn_case(name, m, shape, steps=3):
    with torch.no_grad():
        if m.affine:
            m.weight.copy_(torch.linspace(0.5, 1.5, m.num_features))
            m.bias.copy_(torch.linspace(-0.2, 0.3, m.num_features))
    c = {}
    m.train()
    for s in range(steps):
        x = randn(*shape, seed=20 + s, scale=2.0) + 0.5
        c[f"x{s}"] = t(x)
        x = x.clone().requires_grad_(True)
        y = m(x)
        if s == steps - 1:
            g = randn(*y.shape, seed=30)
            y.backward(g)
            c.update({"y": t(y), "g": t(g), "dx": t(x.grad)})
            if m.affine:
                c.update({"dweight": t(m.weight.grad), "dbias": t(m.bias.grad)})
    if m.track_running_stats:
        c.update({"running_mean": t(m.running_mean), "running_var": t(m.running_var), "num_batches_tracked": int(m.num_batches_tracked)})
    m.eval()
    xe = randn(*shape, seed=40)
    xe = xe.clone().requires_grad_(True)
    ye = m(xe)
    ge = randn(*ye.shape, seed=41)
    ye.backward(ge)
    c.update({"xe": t(xe), "ye": t(ye), "ge": t(ge), "dxe": t(xe.grad)})
    if m.affine:
        c["weight"] = t(m.weight)
        c["bias"] = t(m.bias)
    cases[name] = c


bn_case("bn2d", nn.BatchNorm2d(3), (4, 3, 5, 5))
bn_case("bn2d_cma", nn.BatchNorm2d(3, momentum=None), (4, 3, 3, 3))
bn_case("bn2d_noaffine", nn.BatchNorm2d(3, affine=False), (2, 3, 4, 4))
bn_case("bn2d_notrack", nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 4, 4))
bn_case("bn1d_2d", nn.BatchNorm1d(5), (8, 5))
bn_case("bn1d_3d", nn.BatchNorm1d(4, momentum=0.3, eps=1e-3), (3, 4, 6))
bn_case("bn3d", nn.BatchNorm3d(2), (2, 2, 3, 2, 3))

# ------------------------------------------------------------------ group / layer / instance norm
def affine_case(name, m, shape, wshape):
    with torch.no_grad():
        n = int(torch.tensor(wshape).prod())
        if getattr(m, "weight", None) is not None:
            m.weight.copy_(torch.linspace(0.5, 1.5, n).reshape(wshape))
            m.bias.copy_(torch.linspace(-0.2, 0.3, n).reshape(wshape))
    run(name, m, randn(*shape, seed=50, scale=2.0) + 1.0, seed=51)


affine_case("gn", nn.GroupNorm(2, 6), (2, 6, 3, 2), (6,))
affine_case("gn_3d_input", nn.GroupNorm(3, 3), (4, 3, 5), (3,))
affine_case("gn_noaffine", nn.GroupNorm(1, 4, affine=False), (2, 4, 3), (4,))
affine_case("ln_last", nn.LayerNorm(6), (4, 6), (6,))
affine_case("ln_two_dims", nn.LayerNorm([3, 4]), (2, 5, 3, 4), (3, 4))
affine_case("ln_noaffine", nn.LayerNorm(5, elementwise_affine=False, eps=1e-3), (3, 5), (5,))
affine_case("in2d_affine", nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 4), (3,))
m = nn.InstanceNorm1d(3, track_running_stats=True)
run("in1d_track", m, randn(2, 3, 6, seed=52), seed=53, extra=None)
cases["in1d_track"].update({"running_mean": t(m.running_mean), "running_var": t(m.running_var)})

# ------------------------------------------------------------------ dropout (masks from the global generator)
def drop_case(name, fn, shape):
    x = randn(*shape, seed=60) + 3.0  # no zeros, so the mask is readable from the output
    x = x.requires_grad_(True)
    torch.manual_seed(0)
    y = fn(x)
    g = randn(*y.shape, seed=61)
    y.backward(g)
    cases[name] = {"x": t(x), "y": t(y), "g": t(g), "dx": t(x.grad), "mask": t(y != 0)}


drop_case("dropout_p03", lambda x: F.dropout(x, 0.3), (8, 10))
drop_case("dropout_p05_3d", lambda x: nn.Dropout()(x), (3, 4, 7))
drop_case("dropout_p09", lambda x: F.dropout(x, 0.9), (50,))
drop_case("dropout1d", lambda x: nn.Dropout1d(0.4)(x), (4, 6, 5))
drop_case("dropout1d_unbatched", lambda x: F.dropout1d(x, 0.4), (6, 5))
drop_case("dropout2d", lambda x: nn.Dropout2d(0.5)(x), (3, 5, 2, 2))
drop_case("dropout2d_3d_input", lambda x: F.dropout2d(x, 0.5), (3, 5, 4))
drop_case("dropout3d", lambda x: nn.Dropout3d(0.25)(x), (2, 4, 2, 2, 2))
drop_case("dropout3d_unbatched", lambda x: F.dropout3d(x, 0.25), (4, 2, 2, 2))
drop_case("alpha_dropout", lambda x: F.alpha_dropout(x, 0.2, training=True), (6, 7))
torch.manual_seed(0)
a = F.dropout(torch.ones(1000), 0.3)
b = F.dropout(torch.ones(1000), 0.3)
cases["dropout_consecutive"] = {"first": t(a != 0), "second": t(b != 0)}

# ------------------------------------------------------------------ shape
x = randn(2, 3, 4, 5, seed=70)
cases["flatten"] = {"x": t(x), "default": t(nn.Flatten()(x)), "one_two": t(nn.Flatten(1, 2)(x)),
                    "unflatten": t(nn.Unflatten(1, (3, 1))(x))}

# ------------------------------------------------------------------ reprs
mods = {
    "linear": nn.Linear(2048, 512), "linear_nobias": nn.Linear(3, 4, bias=False), "lazy": nn.LazyLinear(10),
    "bilinear": nn.Bilinear(2, 3, 4), "identity": nn.Identity(), "flatten": nn.Flatten(), "flatten_0_2": nn.Flatten(0, 2),
    "unflatten": nn.Unflatten(1, (2, 5)), "unflatten_1": nn.Unflatten(-1, (10,)),
    "relu": nn.ReLU(), "relu_inplace": nn.ReLU(inplace=True), "relu6": nn.ReLU6(), "relu6_inplace": nn.ReLU6(True),
    "leaky": nn.LeakyReLU(), "leaky_inplace": nn.LeakyReLU(0.2, True), "prelu": nn.PReLU(), "prelu3": nn.PReLU(3, 0.1),
    "elu": nn.ELU(), "elu_inplace": nn.ELU(0.5, True), "selu": nn.SELU(), "selu_inplace": nn.SELU(True), "celu": nn.CELU(),
    "celu_07": nn.CELU(0.7), "gelu": nn.GELU(), "gelu_tanh": nn.GELU("tanh"), "silu": nn.SiLU(), "silu_inplace": nn.SiLU(True),
    "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "hardtanh": nn.Hardtanh(), "hardtanh_custom": nn.Hardtanh(-2.0, 3.0, True),
    "hardswish": nn.Hardswish(), "hardsigmoid": nn.Hardsigmoid(), "softplus": nn.Softplus(), "softplus_custom": nn.Softplus(0.5, 10.0),
    "logsigmoid": nn.LogSigmoid(), "softmax": nn.Softmax(dim=1), "softmax_none": nn.Softmax(), "log_softmax": nn.LogSoftmax(dim=-1),
    "bn1d": nn.BatchNorm1d(16), "bn2d": nn.BatchNorm2d(16), "bn2d_cma": nn.BatchNorm2d(16, momentum=None),
    "bn2d_custom": nn.BatchNorm2d(3, eps=1e-3, momentum=0.01), "bn3d": nn.BatchNorm3d(4, affine=False, track_running_stats=False),
    "gn": nn.GroupNorm(2, 6), "gn_noaffine": nn.GroupNorm(1, 4, eps=1e-6, affine=False), "ln": nn.LayerNorm(10),
    "ln_two": nn.LayerNorm([3, 4], elementwise_affine=False), "in2d": nn.InstanceNorm2d(3), "in1d_affine": nn.InstanceNorm1d(5, affine=True),
    "dropout": nn.Dropout(), "dropout_inplace": nn.Dropout(0.3, True), "dropout1d": nn.Dropout1d(), "dropout2d": nn.Dropout2d(0.2),
    "dropout3d": nn.Dropout3d(), "alpha_dropout": nn.AlphaDropout(0.1),
    "sequential": nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(inplace=True), nn.Dropout(0.25), nn.Linear(8, 2)),
}
cases["reprs"] = {k: repr(v) for k, v in mods.items()}
save("layers", cases)
