"""Golden values for the model zoo (Lumen.Vision.Models), from PyTorch 1.13 + torchvision 0.14.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_models.py [--pth DIR]

Writes tests/Fixtures/data/models/{seeds,torchvision}.json. No weight file is committed: every model is built under
torch.manual_seed(k), which Lumen reproduces bit for bit (Torch.ManualSeed(k) + the same constructor), and the fixture
keeps what is needed to check that: the repr, every state-dict entry's shape, float64 sum, sum of squares and a few
sampled values, and the outputs (plus, for the small models, the input gradient) on inputs drawn from
torch.Generator().manual_seed(s), which Lumen's Generator also reproduces.

With --pth DIR it also writes DIR/<model>.pth (torch.save(model.state_dict())) for the manual interoperability check
described in docs/models.md (those files are large and are not committed).
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from common import OUT, save, t


# ---------------------------------------------------------------------------------------------- seed models (twins of
# the C# classes; the seeds' own code where it exists, see the C# XML docs for the reconstructed ones)

class TinyConvWithoutSequential(nn.Module):  # seed 000
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=(3, 3), stride=(3, 3), padding=0)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=(3, 3), stride=(3, 3), padding=0)
        self.fc = nn.Linear(in_features=16 * 3 * 3, out_features=3)

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        return self.fc(torch.flatten(x, start_dim=1, end_dim=-1))


class TinyConv(nn.Module):  # seed 000
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=(3, 3), stride=(3, 3), padding=0), nn.ReLU(inplace=True),
            nn.Conv2d(8, 16, kernel_size=(3, 3), stride=(3, 3), padding=0), nn.ReLU(inplace=True))
        self.fc = nn.Linear(in_features=16 * 3 * 3, out_features=3)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), start_dim=1, end_dim=-1))


class TinyConv3d(nn.Module):  # seed 000's TinyConv for volumes
    def __init__(self, in_channels=1, num_classes=3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv3d(in_channels, 8, kernel_size=(3, 3, 3), stride=(3, 3, 3), padding=0), nn.ReLU(inplace=True),
            nn.Conv3d(8, 16, kernel_size=(3, 3, 3), stride=(3, 3, 3), padding=0), nn.ReLU(inplace=True))
        self.fc = nn.Linear(in_features=16 * 3 * 3 * 3, out_features=num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.conv(x), start_dim=1, end_dim=-1))


class ConvNet(nn.Module):  # seed 001: the notebook's ConvNet made configurable (ConfigNet(l1, c1, c2))
    def __init__(self, c1=48, c2=96, l1=256, d1=0.1, num_classes=10):
        super().__init__()
        self.d1 = d1
        self.conv1 = nn.Conv2d(3, c1, 3)
        self.conv2 = nn.Conv2d(c1, c1, 3)
        self.conv3 = nn.Conv2d(c1, c2, 3)
        self.conv4 = nn.Conv2d(c2, c2, 3, stride=2)
        self.flat = nn.Flatten()
        self.batch_norm = nn.BatchNorm1d(c2 * 144)
        self.fc1 = nn.Linear(c2 * 144, l1)
        self.fc2 = nn.Linear(l1, num_classes)

    def forward(self, x):
        # The notebook calls F.dropout without training=, so its dropout stays on in eval mode; Lumen's ConvNet (and this
        # reference) drops only in training mode, which is what the notebook's test() evidently means.
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.dropout(x, self.d1, self.training)
        x = F.relu(self.conv3(x))
        x = F.relu(self.conv4(x))
        x = F.dropout(x, 0.5, self.training)
        x = self.flat(x)
        x = F.relu(self.batch_norm(x))
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class Net(nn.Module):  # seed 003, DLwPT In[26]
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.act1 = nn.Tanh()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.act2 = nn.Tanh()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.act3 = nn.Tanh()
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = self.pool1(self.act1(self.conv1(x)))
        out = self.pool2(self.act2(self.conv2(out)))
        out = out.view(-1, 8 * 8 * 8)
        out = self.act3(self.fc1(out))
        return self.fc2(out)


class NetWidth(nn.Module):  # In[42]
    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        out = F.max_pool2d(torch.tanh(self.conv2(out)), 2)
        out = out.view(-1, 8 * 8 * self.n_chans1 // 2)
        return self.fc2(torch.tanh(self.fc1(out)))


class NetDropout(nn.Module):  # In[47]
    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_dropout = nn.Dropout2d(p=0.4)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_dropout = nn.Dropout2d(p=0.4)
        self.fc1 = nn.Linear(8 * 8 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = self.conv1_dropout(F.max_pool2d(torch.tanh(self.conv1(x)), 2))
        out = self.conv2_dropout(F.max_pool2d(torch.tanh(self.conv2(out)), 2))
        out = out.view(-1, 8 * 8 * self.n_chans1 // 2)
        return self.fc2(torch.tanh(self.fc1(out)))


class NetBatchNorm(nn.Module):  # In[49]
    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv1_batchnorm = nn.BatchNorm2d(num_features=n_chans1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv2_batchnorm = nn.BatchNorm2d(num_features=n_chans1 // 2)
        self.fc1 = nn.Linear(8 * 8 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.tanh(self.conv1_batchnorm(self.conv1(x))), 2)
        out = F.max_pool2d(torch.tanh(self.conv2_batchnorm(self.conv2(out))), 2)
        out = out.view(-1, 8 * 8 * self.n_chans1 // 2)
        return self.fc2(torch.tanh(self.fc1(out)))


class NetDepth(nn.Module):  # In[51]
    def __init__(self, n_chans1=32):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(n_chans1 // 2, n_chans1 // 2, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(4 * 4 * n_chans1 // 2, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        out = F.max_pool2d(torch.relu(self.conv2(out)), 2)
        out = F.max_pool2d(torch.relu(self.conv3(out)), 2)
        out = out.view(-1, 4 * 4 * self.n_chans1 // 2)
        return self.fc2(torch.relu(self.fc1(out)))


class NetRes(NetDepth):  # In[53]: same layers, one skip connection
    def forward(self, x):
        out = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        out = F.max_pool2d(torch.relu(self.conv2(out)), 2)
        out1 = out
        out = F.max_pool2d(torch.relu(self.conv3(out)) + out1, 2)
        out = out.view(-1, 4 * 4 * self.n_chans1 // 2)
        return self.fc2(torch.relu(self.fc1(out)))


class ResBlock(nn.Module):  # In[55]
    def __init__(self, n_chans):
        super().__init__()
        self.conv = nn.Conv2d(n_chans, n_chans, kernel_size=3, padding=1, bias=False)
        self.batch_norm = nn.BatchNorm2d(num_features=n_chans)
        torch.nn.init.kaiming_normal_(self.conv.weight, nonlinearity='relu')
        torch.nn.init.constant_(self.batch_norm.weight, 0.5)
        torch.nn.init.zeros_(self.batch_norm.bias)

    def forward(self, x):
        return torch.relu(self.batch_norm(self.conv(x))) + x


class NetResDeep(nn.Module):  # In[56]; shared=False is the list-comprehension variant
    def __init__(self, n_chans1=32, n_blocks=10, shared=True):
        super().__init__()
        self.n_chans1 = n_chans1
        self.conv1 = nn.Conv2d(3, n_chans1, kernel_size=3, padding=1)
        if shared:
            self.resblocks = nn.Sequential(*(n_blocks * [ResBlock(n_chans=n_chans1)]))
        else:
            self.resblocks = nn.Sequential(*[ResBlock(n_chans=n_chans1) for _ in range(n_blocks)])
        self.fc1 = nn.Linear(8 * 8 * n_chans1, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        out = F.max_pool2d(self.resblocks(out), 2)
        out = out.view(-1, 8 * 8 * self.n_chans1)
        return self.fc2(torch.relu(self.fc1(out)))


class SimpleCNN(nn.Module):  # seed 004
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


class MnistCNN(nn.Module):  # seed 004's CNN == ../shared/bench/pytorch_baseline.py's MnistCNN
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 16, kernel_size=(3, 3)), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.layer2 = nn.Sequential(nn.Conv2d(16, 32, kernel_size=(3, 3)), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
                                    nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer3 = nn.Sequential(nn.Conv2d(32, 64, kernel_size=(3, 3)), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.layer4 = nn.Sequential(nn.Conv2d(64, 128, kernel_size=(3, 3)), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
                                    nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Sequential(nn.Linear(128 * 4 * 4, 1024), nn.ReLU(inplace=True), nn.Linear(1024, 128), nn.Linear(128, 10))

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(x.view(x.size(0), -1))


class LeNet5(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class VGG16Customizable(nn.Module):  # seed 000 (vgginit='random'; 320x320 inputs)
    def __init__(self, n_outputs, conv_type):
        super().__init__()
        vgg16 = torchvision.models.vgg16()
        self.features = nn.Sequential(*(list(vgg16.children())[:-2]))
        if conv_type == '512to256to64_1x1':
            self.conv = nn.Sequential(nn.Conv2d(512, 256, kernel_size=(1, 1), stride=(1, 1), padding=0), nn.ReLU(inplace=True),
                                      nn.Conv2d(256, 64, kernel_size=(1, 1), stride=(1, 1), padding=0), nn.ReLU(inplace=True))
            flat = 6400
        elif conv_type == '512to64_1x1':
            self.conv = nn.Sequential(nn.Conv2d(512, 64, kernel_size=(1, 1), stride=(1, 1), padding=0), nn.ReLU(inplace=True))
            flat = 6400
        else:
            self.conv = nn.Sequential(nn.Conv2d(512, 512, kernel_size=(3, 3), stride=(3, 3), padding=0), nn.ReLU(inplace=True))
            flat = 4608
        self.fc = nn.Linear(in_features=flat, out_features=n_outputs)


# ---------------------------------------------------------------------------------------------------------- helpers

def randn(shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def summary(model):
    """Every state-dict entry: shape, float64 sum and sum of squares, and the values at 5 spread flat indices."""
    out = []
    for k, v in model.state_dict().items():
        flat = v.detach().reshape(-1)
        n = flat.numel()
        idx = sorted({0, n // 3, n // 2, (2 * n) // 3, n - 1}) if n else []
        d = flat.double()
        out.append({"name": k, "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                    "sum": float(d.sum()), "sumsq": float((d * d).sum()),
                    "idx": idx, "values": [float(flat[i]) for i in idx]})
    return out


def sampled(x, n=256):
    """A large gradient as its shape, float64 sum, sum of |x| and n values at evenly spaced flat indices (every
    numel//n-th element), to keep the fixture small."""
    flat = x.detach().reshape(-1)
    step = max(1, flat.numel() // n)
    return {"shape": list(x.shape), "sum": float(flat.double().sum()), "sumabs": float(flat.double().abs().sum()),
            "step": step, "values": t(flat[::step].contiguous())}


def structure(model):
    return {"repr": repr(model),
            "named_parameters": [[k, list(p.shape)] for k, p in model.named_parameters()],
            "numel": [p.numel() for p in model.parameters()],
            "state_dict_keys": list(model.state_dict().keys())}


SEEDS = {  # name -> (constructor, seed, input shape, run train-mode forward too)
    "TinyConv": (TinyConv, 0, (2, 3, 32, 32), True),
    "TinyConvWithoutSequential": (TinyConvWithoutSequential, 1, (2, 3, 32, 32), True),
    "TinyConv3d": (TinyConv3d, 2, (2, 1, 32, 32, 32), True),
    "ConvNet": (ConvNet, 3, (2, 3, 32, 32), False),
    "ConvNetSmall": (lambda: ConvNet(c1=8, c2=16, l1=32), 4, (2, 3, 32, 32), False),
    "Net": (Net, 5, (2, 3, 32, 32), True),
    "NetWidth": (NetWidth, 6, (2, 3, 32, 32), True),
    "NetWidth16": (lambda: NetWidth(16), 7, (2, 3, 32, 32), True),
    "NetDropout": (NetDropout, 8, (2, 3, 32, 32), False),
    "NetBatchNorm": (NetBatchNorm, 9, (2, 3, 32, 32), True),
    "NetDepth": (NetDepth, 10, (2, 3, 32, 32), True),
    "NetRes": (NetRes, 11, (2, 3, 32, 32), True),
    "ResBlock": (lambda: ResBlock(8), 12, (2, 8, 6, 6), True),
    "NetResDeep": (NetResDeep, 13, (2, 3, 32, 32), True),
    "NetResDeepIndependent": (lambda: NetResDeep(shared=False), 14, (2, 3, 32, 32), True),
    "SimpleCNN": (SimpleCNN, 15, (2, 3, 32, 32), True),
    "MnistCNN": (MnistCNN, 16, (2, 1, 28, 28), True),
    "LeNet5": (LeNet5, 17, (2, 1, 28, 28), True),
}


def seed_cases():
    cases = {}
    for name, (ctor, seed, shape, train) in SEEDS.items():
        torch.manual_seed(seed)
        model = ctor()
        c = structure(model)
        c["seed"] = seed
        c["weights"] = summary(model)
        x = randn(shape, 1000 + seed)
        c["x_seed"] = 1000 + seed
        c["x_sum"] = float(x.double().sum())
        if train:
            model.train()
            c["out_train"] = t(model(x))
        model.eval()
        xg = x.clone().requires_grad_(True)
        out = model(xg)
        g = randn(out.shape, 2000 + seed)
        (out * g).sum().backward()
        c["out_eval"] = t(out)
        c["g_seed"] = 2000 + seed
        c["grad_x"] = sampled(xg.grad)
        cases[name] = c
        print(f"{name}: {sum(c['numel'])} parameters")
    # seed 004's layer extractions
    torch.manual_seed(15)
    model = SimpleCNN()
    conv_model = nn.Sequential()
    for layer in model.named_modules():
        if isinstance(layer[1], nn.Conv2d):
            conv_model.add_module(layer[0].split('.')[1], layer[1])
    cases["SimpleCNN_extractions"] = {"first_two": repr(nn.Sequential(*list(model.children())[:2])),
                                      "convs": repr(conv_model)}
    return cases


TORCHVISION = {  # name -> (builder, seed, eval input shape, warm-up (train-mode) batch shape or None)
    "resnet18": (torchvision.models.resnet18, 100, (1, 3, 64, 64), (2, 3, 64, 64)),
    "vgg11_bn": (torchvision.models.vgg11_bn, 101, (1, 3, 64, 64), (2, 3, 64, 64)),
    "r3d_18": (torchvision.models.video.r3d_18, 102, (1, 3, 4, 32, 32), (2, 3, 4, 32, 32)),
}

STRUCTURE_ONLY = {  # built with seed 0; repr, parameter names/shapes and state-dict keys
    "resnet34": torchvision.models.resnet34, "resnet50": torchvision.models.resnet50,
    "resnet101": torchvision.models.resnet101, "resnet152": torchvision.models.resnet152,
    "vgg11": torchvision.models.vgg11, "vgg13": torchvision.models.vgg13, "vgg13_bn": torchvision.models.vgg13_bn,
    "vgg16": torchvision.models.vgg16, "vgg16_bn": torchvision.models.vgg16_bn,
    "vgg19": torchvision.models.vgg19, "vgg19_bn": torchvision.models.vgg19_bn,
}


def torchvision_cases(pth_dir):
    cases = {}
    for name, (builder, seed, shape, warm) in TORCHVISION.items():
        torch.manual_seed(seed)
        model = builder()
        c = structure(model)
        c["seed"] = seed
        c["weights"] = summary(model)
        if pth_dir:
            torch.save(model.state_dict(), os.path.join(pth_dir, f"{name}_seed{seed}.pth"))  # as built
        with torch.no_grad():
            if warm:
                model.train()
                xw = randn(warm, 3000 + seed)
                c["warm_seed"] = 3000 + seed
                c["warm_out_sum"] = float(model(xw).double().sum())
                c["after_warm"] = [e for e in summary(model) if "running" in e["name"] or "num_batches" in e["name"]]
            model.eval()
            x = randn(shape, 1000 + seed)
            c["x_seed"] = 1000 + seed
            c["x_sum"] = float(x.double().sum())
            c["out_eval"] = t(model(x))
        if name != "vgg11_bn":  # input gradient of the eval-mode model for a seeded upstream gradient
            xg = x.clone().requires_grad_(True)
            out = model(xg)
            g = randn(out.shape, 2000 + seed)
            (out * g).sum().backward()
            c["g_seed"] = 2000 + seed
            c["grad_x"] = sampled(xg.grad)
        if pth_dir:
            torch.save({"x": x, "out": c["out_eval"]}, os.path.join(pth_dir, f"{name}_seed{seed}_io.pt"))
            torch.save(model.state_dict(), os.path.join(pth_dir, f"{name}_seed{seed}_warm.pth"))
        cases[name] = c
        print(f"{name}: {sum(c['numel'])} parameters")
    for name, builder in STRUCTURE_ONLY.items():
        torch.manual_seed(0)
        m = builder()
        c = structure(m)
        c["numel_total"] = sum(c.pop("numel"))
        cases[name] = c
        print(f"{name}: {c['numel_total']} parameters")
    # seed 000's VGG16Customizable heads (structure only)
    for conv_type in ("512to256to64_1x1", "512to64_1x1", "512to512_3x3"):
        torch.manual_seed(0)
        m = VGG16Customizable(20, conv_type)
        c = structure(m)
        c["numel_total"] = sum(c.pop("numel"))
        c["state_dict_keys"] = c["state_dict_keys"][:4] + c["state_dict_keys"][-4:]
        c["named_parameters"] = c["named_parameters"][:2] + c["named_parameters"][-4:]
        cases["VGG16Customizable_" + conv_type] = c
    return cases


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--pth", help="also write full-size .pth files here (not committed)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.pth:
        os.makedirs(a.pth, exist_ok=True)
    save(os.path.join("models", "seeds"), seed_cases())
    save(os.path.join("models", "torchvision"), torchvision_cases(a.pth))
