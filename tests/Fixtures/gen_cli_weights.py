"""A PyTorch-written state dict for `lumen train --weights`, and what seed 002's transfer-learning start gives from it.

tests/Fixtures/data/cli_weights/tiny_conv_seed0.pth is torch.save(TinyConv().state_dict()) after torch.manual_seed(0):
seed 000's TinyConv (3 classes, 3x32x32 inputs), 2,842 parameters. cli_weights.json holds, for that file, every tensor's
sum, and the head that seed 002's recipe draws after torch.manual_seed(7) when it loads the file into a fresh model and
replaces the 3-class head by a 2-class one: model = TinyConv(); model.load_state_dict(sd); model.fc = nn.Linear(144, 2).

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_cli_weights.py"""
import os

import torch
import torch.nn as nn

from common import OUT, save, t
from gen_models import TinyConv

torch.manual_seed(0)
sd = TinyConv().state_dict()
os.makedirs(os.path.join(OUT, "cli_weights"), exist_ok=True)
torch.save(sd, os.path.join(OUT, "cli_weights", "tiny_conv_seed0.pth"))

case = {"sum." + k: t(v.double().sum().float()) for k, v in sd.items()}
torch.manual_seed(7)
model = TinyConv()
model.load_state_dict(torch.load(os.path.join(OUT, "cli_weights", "tiny_conv_seed0.pth")))
model.fc = nn.Linear(model.fc.in_features, 2)
case["head.weight"] = t(model.fc.weight)
case["head.bias"] = t(model.fc.bias)
save("cli_weights", {"tiny_conv_seed0": case})
