"""Golden values for round (half to even, with decimals), floor, ceil and trunc (tests/Lumen.Tests/Tensors/RoundingTests.cs).

Each case: the input "x", the output "out" (bit-exact: signed zeros, halves, overflow of x*10^d), PyTorch's grad_fn and,
for float inputs, the input gradient of a fixed upstream gradient "g" (zero, as PyTorch defines it).
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_rounding.py
"""
import torch

from common import save, seeded, t

seeded(20261207)
cases = {}

special = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.49999997, 0.0, -0.0, -0.3, 0.3, 1e30, -1e30,
                        3e38, 8388607.5, -8388609.0, 1.4e-45, float("inf"), float("-inf"), float("nan"),
                        2.675, 1.005, 0.125, 0.375, 1234.5678, -1250.0, 149.99])
mixed = torch.cat([special, torch.randn(37) * 10])


def case(name, fn, x):
    xg = x.clone().requires_grad_(x.dtype == torch.float32)
    out = fn(xg)
    c = {"x": t(x), "out": t(out), "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None}
    if out.requires_grad:
        g = torch.randn(out.shape)
        out.backward(g)
        c["g"] = t(g)
        c["grad_x"] = t(xg.grad)
    cases[name] = c


for op in ["round", "floor", "ceil", "trunc"]:
    case(op, getattr(torch, op), mixed)
    case(op + "_int64", getattr(torch, op), torch.tensor([3, -4, 0, 9007199254740993]))
for d in [1, 2, 3, -1, -2]:
    case(f"round_decimals_{d}".replace("-", "minus"), lambda x, d=d: torch.round(x, decimals=d), mixed)
for op in ["round_", "floor_", "ceil_", "trunc_"]:
    case(op + "inplace", lambda x, op=op: getattr(x * 1, op)(), mixed)
case("round_decimals_2_inplace", lambda x: (x * 1).round_(decimals=2), mixed)

save("rounding", cases)
