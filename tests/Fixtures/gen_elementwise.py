"""Golden values for the elementwise ops, activations, softmax and where (tests/Lumen.Tests/Tensors/ElementwiseFixtureTests.cs).

Each case stores its inputs (keys listed in "inputs", in call order), the forward output "out", PyTorch's grad_fn name
"grad_fn", and, for differentiable cases, a fixed random upstream gradient "g" with the resulting input gradients
"grad_<input>". Inputs include the values where the ops branch (0 for relu, 0 and 6 for relu6, beta*x == threshold for
softplus, ties for maximum/minimum, the bounds for clamp and hardtanh) so that PyTorch's convention at each kink is pinned.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_elementwise.py
"""
import torch
import torch.nn.functional as F

from common import save, seeded, t

seeded(20240601)
cases = {}


def case(name, fn, **inputs):
    """Runs fn on clones of the inputs (float ones require grad), backpropagates a random upstream gradient."""
    xs = {k: v.clone().requires_grad_(v.dtype == torch.float32) for k, v in inputs.items()}
    out = fn(*xs.values())
    c = {k: t(v) for k, v in inputs.items()}
    c["inputs"] = list(inputs.keys())
    c["out"] = t(out)
    c["grad_fn"] = out.grad_fn.name() if out.grad_fn is not None else None
    if out.requires_grad:
        g = torch.randn(out.shape)
        out.backward(g)
        c["g"] = t(g)
        for k, v in xs.items():
            if v.requires_grad:
                c["grad_" + k] = t(v.grad if v.grad is not None else torch.zeros_like(v))
    assert name not in cases, name
    cases[name] = c


def randn(*shape, scale=1.0):
    return torch.randn(*shape) * scale


def with_values(x, values):
    """x with its first elements (row-major) replaced by the given boundary values."""
    x = x.clone()
    flat = x.view(-1)
    for i, v in enumerate(values):
        flat[i] = v
    return x


def ints(*shape, lo=-2, hi=3):
    return torch.randint(lo, hi, shape).float()


# ---------------------------------------------------------------- arithmetic (tensor, scalar, broadcast)
a234 = randn(2, 3, 4)
case("add_broadcast_3x1", lambda x, y: x + y, x=a234, y=randn(3, 1))
case("add_broadcast_4", lambda x, y: x + y, x=a234, y=randn(4))
case("add_alpha", lambda x, y: torch.add(x, y, alpha=2.5), x=a234, y=randn(3, 1))
case("add_scalar", lambda x: x + 1.5, x=a234)
case("sub_broadcast_3x1", lambda x, y: x - y, x=a234, y=randn(3, 1))
case("sub_broadcast_4", lambda x, y: x - y, x=randn(4), y=a234)
case("sub_scalar", lambda x: x - 0.75, x=a234)
case("rsub_scalar", lambda x: 2.0 - x, x=a234)
case("mul_broadcast_3x1", lambda x, y: x * y, x=a234, y=randn(3, 1))
case("mul_broadcast_4", lambda x, y: x * y, x=a234, y=randn(4))
case("mul_scalar", lambda x: x * -3.0, x=a234)
away = lambda *s: (torch.rand(*s) + 0.5) * torch.where(torch.rand(*s) < 0.5, -1.0, 1.0)
case("div_broadcast_3x1", lambda x, y: x / y, x=a234, y=away(3, 1))
case("div_broadcast_4", lambda x, y: x / y, x=a234, y=away(4))
case("div_scalar", lambda x: x / 4.0, x=a234)
case("rdiv_scalar", lambda x: 2.0 / x, x=away(2, 3, 4))
pos234 = torch.rand(2, 3, 4) * 2 + 0.1
case("pow_tensor_broadcast_4", lambda x, y: x.pow(y), x=pos234, y=randn(4))
case("pow_tensor_broadcast_3x1", lambda x, y: x.pow(y), x=pos234, y=randn(3, 1))
case("pow_tensor_zero_base", lambda x, y: x.pow(y), x=with_values(pos234, [0.0, 0.0]), y=torch.rand(4) + 0.5)
for e, tag in [(2.0, "2"), (3.0, "3"), (0.5, "half"), (-1.0, "minus1"), (0.0, "0"), (1.5, "1_5")]:
    src = a234 if e in (2.0, 3.0, 0.0) else pos234
    case("pow_scalar_" + tag, lambda x, e=e: x.pow(e), x=src)
i234 = torch.randint(-5, 6, (2, 3, 4))
i4 = torch.randint(1, 4, (4,))
case("add_int64", lambda x, y: x + y, x=i234, y=i4)
case("sub_int64", lambda x, y: x - y, x=i234, y=i4)
case("mul_int64", lambda x, y: x * y, x=i234, y=i4)
case("div_int64_is_true_division", lambda x, y: x / y, x=i234, y=i4)
case("add_int64_float", lambda x, y: x + y, x=i234, y=randn(4))
ties_a, ties_b = ints(2, 3, 4), ints(3, 1)
case("maximum_ties", lambda x, y: torch.maximum(x, y), x=ties_a, y=ties_b)
case("minimum_ties", lambda x, y: torch.minimum(x, y), x=ties_a, y=ties_b)
case("maximum_broadcast_4", lambda x, y: torch.maximum(x, y), x=a234, y=randn(4))

# ---------------------------------------------------------------- unary
z234 = with_values(randn(2, 3, 4), [0.0, -0.5, 0.5, 1.0, -1.0])
case("neg", lambda x: -x, x=z234)
case("exp", lambda x: x.exp(), x=randn(2, 3, 4, scale=3))
case("log", lambda x: x.log(), x=pos234)
case("sqrt", lambda x: x.sqrt(), x=pos234)
case("sqrt_at_zero", lambda x: x.sqrt(), x=with_values(pos234, [0.0]))
case("abs", lambda x: x.abs(), x=z234)
case("sign", lambda x: x.sign(), x=z234)
case("sin", lambda x: x.sin(), x=randn(2, 3, 4, scale=3))
case("cos", lambda x: x.cos(), x=randn(2, 3, 4, scale=3))
case("clamp_both", lambda x: x.clamp(-0.5, 0.5), x=z234)
case("clamp_min", lambda x: x.clamp(min=-0.5), x=z234)
case("clamp_max", lambda x: x.clamp(max=0.5), x=z234)

# ---------------------------------------------------------------- comparisons and masked_fill
cmp_a, cmp_b = ints(2, 3, 4), ints(3, 1)
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case(op + "_float_broadcast", lambda x, y, op=op: getattr(x, op)(y), x=cmp_a, y=cmp_b)
    case(op + "_scalar", lambda x, op=op: getattr(x, op)(0.0), x=cmp_a)
    case(op + "_int64", lambda x, y, op=op: getattr(x, op)(y), x=cmp_a.long(), y=cmp_b.long())
case("lt_int64_float", lambda x, y: x < y, x=torch.randint(-2, 3, (2, 3, 4)), y=ints(4) + 0.5)
case("masked_fill_3x4", lambda x, m: x.masked_fill(m, -1.5), x=a234, m=torch.rand(3, 4) < 0.5)
case("masked_fill_4", lambda x, m: x.masked_fill(m, 2.0), x=a234, m=torch.tensor([True, False, False, True]))

# ---------------------------------------------------------------- activations
# Each runs on a [2, 3, 4] input whose first elements are the op's boundary values and on a [37] input
# (long enough for a SIMD body and a scalar tail), both spread over [-4, 4] or so.
acts = {
    "relu": (lambda x: torch.relu(x), [0.0, -0.0, 1e-8, -1e-8]),
    "relu_inplace": (lambda x: torch.relu_(x.clone()), [0.0, 1e-8, -1e-8]),
    "relu6": (lambda x: F.relu6(x), [0.0, 6.0, -0.5, 6.5, 3.0]),
    "relu6_inplace": (lambda x: F.relu6(x.clone(), inplace=True), [0.0, 6.0, -0.5, 6.5]),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 2.0), [-0.5, 2.0, -0.6, 2.1, 0.0]),
    "hardtanh_default": (lambda x: F.hardtanh(x), [-1.0, 1.0, 0.0]),
    "hardtanh_inplace": (lambda x: F.hardtanh_(x.clone(), -0.5, 2.0), [-0.5, 2.0]),
    "leaky_relu": (lambda x: F.leaky_relu(x), [0.0, 1e-8, -1e-8]),
    "leaky_relu_0_2": (lambda x: F.leaky_relu(x, 0.2), [0.0]),
    "leaky_relu_inplace": (lambda x: F.leaky_relu_(x.clone(), 0.1), [0.0, -0.0]),
    "elu": (lambda x: F.elu(x), [0.0, -20.0, 20.0]),
    "elu_alpha_0_5": (lambda x: F.elu(x, 0.5), [0.0]),
    "elu_inplace": (lambda x: F.elu(x.clone(), 1.3, inplace=True), [0.0, -20.0]),
    "selu": (lambda x: F.selu(x), [0.0, -20.0]),
    "celu": (lambda x: F.celu(x, 1.5), [0.0, -20.0]),
    "gelu": (lambda x: F.gelu(x), [0.0, -6.0, 6.0, -10.0, 10.0, -3.0]),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), [0.0, -6.0, 6.0, -10.0, 10.0]),
    "silu": (lambda x: F.silu(x), [0.0, -30.0, 30.0]),
    "sigmoid": (lambda x: torch.sigmoid(x), [0.0, -30.0, 30.0, -90.0, 90.0]),
    "tanh": (lambda x: torch.tanh(x), [0.0, -10.0, 10.0]),
    "softplus": (lambda x: F.softplus(x), [0.0, 20.0, 20.5, 19.9, -20.0, -90.0]),
    "softplus_beta2_threshold5": (lambda x: F.softplus(x, 2.0, 5.0), [2.5, 2.6, 2.4, 0.0, -30.0]),
    "logsigmoid": (lambda x: F.logsigmoid(x), [0.0, -30.0, 30.0, -90.0, 90.0]),
    "hardswish": (lambda x: F.hardswish(x), [-3.0, 3.0, 0.0, -3.1, 3.1]),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), [-3.0, 3.0, 0.0, -3.1, 3.1]),
}
for name, (fn, special) in acts.items():
    case(name + "_2x3x4", fn, x=with_values(randn(2, 3, 4, scale=2.5), special))
    case(name + "_37", fn, x=randn(37, scale=3.0))
case("relu_on_transposed_view", lambda x: torch.relu(x.t()), x=randn(4, 5))
case("sigmoid_on_transposed_view", lambda x: torch.sigmoid(x.t()), x=randn(4, 5))
case("gelu_on_transposed_view", lambda x: F.gelu(x.t()), x=randn(4, 5))

# ---------------------------------------------------------------- softmax / log_softmax
for fname, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
    case(fname + "_2d_last_dim", lambda x, fn=fn: fn(x, -1), x=randn(3, 5, scale=2))
    case(fname + "_4d_dim1", lambda x, fn=fn: fn(x, 1), x=randn(2, 3, 4, 5, scale=2))
    case(fname + "_3d_dim0", lambda x, fn=fn: fn(x, 0), x=randn(4, 3, 2, scale=2))
    case(fname + "_3d_dim2", lambda x, fn=fn: fn(x, 2), x=randn(2, 3, 17, scale=2))
    case(fname + "_1d", lambda x, fn=fn: fn(x, 0), x=randn(7, scale=2))
    case(fname + "_large_values", lambda x, fn=fn: fn(x, 1), x=randn(2, 6, scale=100) + 1000)
    case(fname + "_on_transposed_view", lambda x, fn=fn: fn(x.t(), 1), x=randn(4, 3))

# ---------------------------------------------------------------- where
case("where_broadcast_three", lambda c, x, y: torch.where(c, x, y), c=torch.rand(3, 4) < 0.5, x=randn(2, 3, 4), y=randn(4))
case("where_cond_broadcast", lambda c, x, y: torch.where(c, x, y), c=torch.rand(3, 1) < 0.5, x=randn(3, 4), y=randn(3, 4))
case("where_scalar_other", lambda c, x: torch.where(c, x, 0.0), c=torch.rand(2, 3, 4) < 0.5, x=randn(2, 3, 4))
case("where_int64", lambda c, x, y: torch.where(c, x, y), c=torch.rand(2, 3) < 0.5,
     x=torch.randint(0, 9, (2, 3)), y=torch.randint(-9, 0, (3,)))
case("where_float_int64", lambda c, x, y: torch.where(c, x, y), c=torch.rand(2, 3) < 0.5, x=randn(2, 3),
     y=torch.randint(-9, 0, (2, 3)))

save("elementwise", cases)
