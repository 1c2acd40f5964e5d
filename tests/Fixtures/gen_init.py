"""nn.init with torch.manual_seed: Lumen's generator reproduces PyTorch's, so the filled values must match."""
import math
import torch
import torch.nn as nn
from common import save, t

cases = {}


def case(name, shape, fn):
    torch.manual_seed(0)
    w = torch.empty(*shape)
    fn(w)
    cases[name] = {"w": t(w)}


case("uniform", (3, 4), lambda w: nn.init.uniform_(w, -0.5, 2.0))
case("normal", (20, 3), lambda w: nn.init.normal_(w, 0.5, 2.0))
case("constant", (2, 3), lambda w: nn.init.constant_(w, 0.25))
case("xavier_uniform", (16, 8, 3, 3), lambda w: nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain("relu")))
case("xavier_normal", (10, 7), lambda w: nn.init.xavier_normal_(w))
case("kaiming_uniform_a_sqrt5", (32, 16, 3, 3), lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5)))
case("kaiming_uniform_relu_fan_out", (8, 4, 5), lambda w: nn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"))
case("kaiming_normal_relu", (16, 3, 3, 3), lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))
case("kaiming_normal_leaky", (12, 5), lambda w: nn.init.kaiming_normal_(w, a=0.2))
case("orthogonal_tall", (6, 4), lambda w: nn.init.orthogonal_(w))
case("orthogonal_wide", (3, 7), lambda w: nn.init.orthogonal_(w, gain=2.0))
case("orthogonal_conv", (4, 2, 3, 3), lambda w: nn.init.orthogonal_(w))
cases["gains"] = {k: nn.init.calculate_gain(*k.split(":")) if ":" not in k else nn.init.calculate_gain(k.split(":")[0], float(k.split(":")[1]))
                  for k in ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu:0.2", "selu", "conv2d"]}
save("init", cases)
