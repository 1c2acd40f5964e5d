"""Golden values for ops given Python float (double) scalars that float32 cannot hold exactly
(tests/Lumen.Tests/Tensors/DoubleScalarTests.cs): PyTorch rounds such a scalar to float32 for a float32 tensor in most
ops and keeps it in double in a few (arange's count and values, celu's 1/alpha); Lumen must round at the same places, so
the outputs match bit for bit.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_double_scalars.py
"""
import torch
import torch.nn.functional as F

from common import save, seeded, t

seeded(20261208)
x = torch.randn(3, 5) * 3
y = torch.randn(3, 5)
pos = x.abs() + 0.05
cases = {"x": {"v": t(x)}, "y": {"v": t(y)}, "pos": {"v": t(pos)}}


def out(name, v):
    cases[name] = {"out": t(v)}


out("mul_0_1", x * 0.1)
out("rmul_0_001", 0.001 * x)
out("add_0_3", x + 0.3)
out("sub_0_7", x - 0.7)
out("rsub_0_7", 0.7 - x)
out("div_3", x / 3.0)
out("div_0_3", x / 0.3)
out("rdiv_1_9", (1.0 / 9.0) / pos)
out("pow_2_3", pos.pow(2.0 / 3))
out("pow_0_1", pos.pow(0.1))
out("clamp_0_1_0_7", x.clamp(0.1, 0.7))
out("fill_1_9", torch.empty(4).fill_(1.0 / 9.0))
out("add_alpha_0_3", torch.add(x, y, alpha=0.3))
out("sub_alpha_0_3", torch.sub(x, y, alpha=0.3))
out("leaky_relu_0_001", F.leaky_relu(x, 0.001))
out("elu_0_3", F.elu(x, alpha=0.3))
out("celu_0_3", F.celu(x, alpha=0.3))
out("hardtanh_0_3_0_7", F.hardtanh(x, -0.3, 0.7))
out("softplus_0_3_7_7", F.softplus(x, beta=0.3, threshold=0.7))
out("gt_0_1", x > 0.1)
out("eq_0_1", torch.tensor([0.1, 0.2, 0.30000001192092896]) == 0.1)
out("masked_fill_0_1", x.masked_fill(x > 0, 0.1))
out("where_0_1", torch.where(x > 0, x, torch.tensor(0.1)))
out("full_0_1", torch.full((3,), 0.1))
out("arange_0_1_0_1", torch.arange(0, 1, 0.1))
out("arange_m1_1_05_0_35", torch.arange(-1, 1.05, 0.35))
out("linspace_0_1_0_7_7", torch.linspace(0.1, 0.7, 7))
out("constant_0_1", torch.nn.init.constant_(torch.empty(2, 2), 0.1))
out("pad_0_1", F.pad(x, (1, 1), value=0.1))
out("smooth_l1_beta_0_3", F.smooth_l1_loss(x, y, beta=0.3))
out("huber_delta_0_3", F.huber_loss(x, y, delta=0.3))

save("double_scalars", cases)
