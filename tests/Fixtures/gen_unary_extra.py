"""Golden values for expm1, log1p, log2, log10, rsqrt and mish (tests/Lumen.Tests/Tensors/UnaryExtraTests.cs): forward,
grad_fn name and the input gradient for a fixed random upstream gradient, over values that include the small arguments
these functions exist for (1e-8, −1e-30) and exact powers.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_unary_extra.py
"""
import torch
import torch.nn.functional as F

from common import save, seeded, t

seeded(20261209)
cases = {}

anyx = torch.cat([torch.tensor([0.0, -0.0, 1e-8, -1e-8, 1e-30, -1e-30, 0.5, -0.5, 20.0, -20.0, 88.0, -100.0]), torch.randn(25) * 4])
posx = torch.cat([torch.tensor([1.0, 2.0, 8.0, 1024.0, 10.0, 1000.0, 1e-3, 1e-30, 3e38, 0.25]), torch.rand(27) * 10 + 1e-3])
gt_m1 = torch.cat([torch.tensor([0.0, 1e-8, -1e-8, 1e-30, -0.5, -0.999, 1e30]), torch.rand(30) * 10 - 0.99])


def case(name, fn, x):
    xg = x.clone().requires_grad_()
    out = fn(xg)
    g = torch.randn(out.shape)
    out.backward(g)
    cases[name] = {"x": t(x), "out": t(out), "grad_fn": out.grad_fn.name(), "g": t(g), "grad_x": t(xg.grad)}


case("expm1", torch.expm1, anyx)
case("log1p", torch.log1p, gt_m1)
case("log2", torch.log2, posx)
case("log10", torch.log10, posx)
case("rsqrt", torch.rsqrt, posx)
case("mish", F.mish, anyx)

save("unary_extra", cases)
