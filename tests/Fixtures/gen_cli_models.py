"""Golden values for the lumen CLI's model zoo: PyTorch's repr, parameter names and counts, and the first values and
sum of every initial parameter after torch.manual_seed(0), for seed 004's MnistCNN and SimpleCNN and seed 000's TinyConv.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_cli_models.py"""
import os
import sys

import torch

from common import save, t

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path[:0] = [os.path.join(ROOT, "..", "shared", "bench")]
from pytorch_baseline import MnistCNN  # noqa: E402  (seed 004's MNIST model, as benchmarked)


from gen_models import SimpleCNN, TinyConv  # noqa: E402  (the zoo fixtures' seed-004 and seed-000 models)


def case(make, shape):
    torch.manual_seed(0)
    m = make()
    c = {"repr": repr(m), "total": sum(p.numel() for p in m.parameters()),
         "names": [n for n, _ in m.named_parameters()]}
    for n, p in m.named_parameters():
        c["first." + n] = t(p.detach().reshape(-1)[:4])
        c["sum." + n] = t(p.detach().double().sum().float())
    torch.manual_seed(1)
    x = torch.randn(shape)
    m.eval()
    c["x"] = t(x)
    c["y"] = t(m(x))
    return c


save("cli_models", {
    "mnist_cnn": case(MnistCNN, (2, 1, 28, 28)),
    "simple_cnn": case(SimpleCNN, (2, 3, 32, 32)),
    "tiny_conv": case(TinyConv, (2, 3, 32, 32)),
})
