"""Golden values for the core ops written with the tensor layer: sum/mean reductions and views.
Each case: inputs x (and y), the op's output, and x.grad for a fixed random upstream gradient g."""
import torch
from common import save, seeded, t

seeded(0)
cases = {}


def case(name, fn, *shapes):
    xs = [torch.randn(*s, requires_grad=True) for s in shapes]
    out = fn(*xs)
    g = torch.randn(out.shape)
    out.backward(g)
    c = {"out": t(out), "g": t(g)}
    for i, x in enumerate(xs):
        c[f"x{i}"] = t(x)
        c[f"grad{i}"] = t(x.grad)
    cases[name] = c


case("sum_all", lambda x: x.sum(), (3, 4))
case("sum_dim1", lambda x: x.sum(1), (2, 3, 4))
case("sum_dims_keep", lambda x: x.sum((0, 2), keepdim=True), (2, 3, 4))
case("sum_neg_dim", lambda x: x.sum(-1), (2, 3, 5))
case("mean_all", lambda x: x.mean(), (4, 5))
case("mean_dim0", lambda x: x.mean(0), (4, 5))
case("mean_dims", lambda x: x.mean((1, 3), keepdim=True), (2, 3, 4, 5))
case("view", lambda x: x.view(6, 4), (2, 3, 4))
case("reshape_of_transpose", lambda x: x.transpose(0, 1).reshape(-1), (3, 4))
case("permute", lambda x: x.permute(2, 0, 1) * 1.0, (2, 3, 4))
case("transpose_mul", lambda x: x.transpose(1, 2) * 2.0, (2, 3, 4))
case("expand_add", lambda x, y: x.expand(4, 3, 5) + y, (3, 1), (4, 3, 5))
case("unsqueeze_squeeze", lambda x: x.unsqueeze(1).squeeze(0) * 3.0, (1, 4))
case("flatten_1", lambda x: x.flatten(1) * 1.5, (2, 3, 2, 2))
case("broadcast_mul_add", lambda x, y: x * y + y, (2, 3, 4), (3, 1))
case("broadcast_div_sub", lambda x, y: x / (y.abs() + 1) - y, (4, 1, 5), (3, 1))
case("pow_tensor", lambda x, y: x.abs().add(0.5).pow(y), (3, 4), (4,))
case("contiguous_of_permute", lambda x: x.permute(1, 0).contiguous().view(-1), (3, 5))
case("clone", lambda x: x.clone() * x, (6,))
save("core", cases)
