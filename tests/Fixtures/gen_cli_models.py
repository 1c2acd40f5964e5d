"""Golden values for the lumen CLI's model zoo: PyTorch's repr, parameter names and counts, and the first values and
sum of every initial parameter after torch.manual_seed(0), for seed 004's MnistCNN and SimpleCNN and seed 000's TinyConv.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_cli_models.py"""
import os
import sys

import torch
import torch.nn as nn

from common import save, t

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path[:0] = [os.path.join(ROOT, "..", "shared", "bench"), "/work/shared/bench"]
from pytorch_baseline import MnistCNN  # noqa: E402  (seed 004's MNIST model, as benchmarked)


class SimpleCNN(nn.Module):
    """Seed 004's SimpleCNN exactly as the tutorial writes it (add_module names conv1, relu1, pool1, ..., f3)."""
    def __init__(self):
        super().__init__()
        layer1 = nn.Sequential()
        layer1.add_module('conv1', nn.Conv2d(3, 32, (3, 3), (1, 1), padding=1))
        layer1.add_module('relu1', nn.ReLU(True))
        layer1.add_module('pool1', nn.MaxPool2d(2, 2))
        self.layer1 = layer1
        layer2 = nn.Sequential()
        layer2.add_module('conv2', nn.Conv2d(32, 64, (3, 3), (1, 1), padding=1))
        layer2.add_module('relu2', nn.ReLU(True))
        layer2.add_module('pool2', nn.MaxPool2d(2, 2))
        self.layer2 = layer2
        layer3 = nn.Sequential()
        layer3.add_module('conv3', nn.Conv2d(64, 128, (3, 3), (1, 1), padding=1))
        layer3.add_module('relu3', nn.ReLU(True))
        layer3.add_module('pool3', nn.MaxPool2d(2, 2))
        self.layer3 = layer3
        layer4 = nn.Sequential()
        layer4.add_module('fc1', nn.Linear(2048, 512))
        layer4.add_module('fc_relu1', nn.ReLU(True))
        layer4.add_module('fc2', nn.Linear(512, 64))
        layer4.add_module('fc_relu2', nn.ReLU(True))
        layer4.add_module('f3', nn.Linear(64, 10))
        self.layer4 = layer4

    def forward(self, x):
        conv3 = self.layer3(self.layer2(self.layer1(x)))
        return self.layer4(conv3.view(conv3.size(0), -1))


class TinyConv(nn.Module):
    """Seed 000's TinyConv (rachellea/pytorch-computer-vision, models/custom_models_base.py)."""
    def __init__(self, in_channels=3, classes=3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, 8, kernel_size=(3, 3), stride=(3, 3), padding=0), nn.ReLU(inplace=True),
            nn.Conv2d(8, 16, kernel_size=(3, 3), stride=(3, 3), padding=0), nn.ReLU(inplace=True))
        self.fc = nn.Linear(in_features=16 * 3 * 3, out_features=classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), start_dim=1, end_dim=-1))


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
