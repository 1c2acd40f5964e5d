"""Golden values for Lumen's FuseForInference: Conv→BatchNorm(→ReLU) blocks in eval mode, PyTorch 1.13's eval output
and the output of the same model after torch.fx.experimental.optimization.fuse (which folds the batch norm into the
convolution, in float32). The state dict is stored so that Lumen runs the very same numbers."""
import torch
import torch.nn as nn
from torch.fx.experimental.optimization import fuse

from common import save, seeded, t

CASES = {
    "conv2d_bn_relu": (lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU()), (2, 3, 9, 9)),
    "conv2d_depthwise_nobias_bn": (lambda: nn.Sequential(nn.Conv2d(6, 6, 3, stride=2, padding=1, groups=6, bias=False), nn.BatchNorm2d(6, eps=1e-3)), (2, 6, 10, 10)),
    "conv3d_grouped_bn_relu": (lambda: nn.Sequential(nn.Conv3d(4, 8, 3, padding=1, groups=2), nn.BatchNorm3d(8), nn.ReLU(inplace=True)), (2, 4, 4, 6, 6)),
}


def main():
    cases = {}
    for i, (name, (make, shape)) in enumerate(CASES.items()):
        seeded(150 + i)
        model = make()
        bn = model[1]
        with torch.no_grad():
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.randn(*shape) * 2 + 0.5)
        model.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            unfused = model(x.clone())
            fused = fuse(model)(x.clone())
        case = {"input": t(x), "unfused": t(unfused), "fx_fused": t(fused)}
        for k, v in model.state_dict().items():
            case["state." + k] = t(v)
        cases[name] = case
    save("fuse", cases)


if __name__ == "__main__":
    main()
