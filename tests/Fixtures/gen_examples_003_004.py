"""The PyTorch 1.13 printouts that tests/Lumen.Examples.Tests compares seeds 003 and 004's examples with.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_examples_003_004.py

Prints (writes no file): the strings are pasted into Seed003Tests.cs and Seed004Tests.cs, each next to a comment naming
the section below it came from. Run it again after changing an example's printout and compare.
"""
import torch
import torch.nn as nn

from gen_models import Net, NetWidth, SimpleCNN

print("# seed 003, 8.2: conv shapes, padding, the edge kernel on a vertical step, max pooling")
conv = nn.Conv2d(3, 16, kernel_size=3)
print(conv)
print(conv.weight.shape, conv.bias.shape)
img = torch.zeros(3, 32, 32)
print(img.unsqueeze(0).shape, conv(img.unsqueeze(0)).shape)
conv = nn.Conv2d(3, 1, kernel_size=3, padding=1)
print(img.unsqueeze(0).shape, conv(img.unsqueeze(0)).shape)
with torch.no_grad():
    conv.weight[:] = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]])
    conv.bias.zero_()
step = torch.zeros(1, 3, 4, 6)
step[..., 3:] = 1.0
print(conv(step)[0, 0])
print(nn.MaxPool2d(2)(img.unsqueeze(0)).shape)

print("# seed 003, 8.2.4: the nn.Sequential's parameters")
model = nn.Sequential(
    nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.Tanh(), nn.MaxPool2d(2),
    nn.Conv2d(16, 8, kernel_size=3, padding=1), nn.Tanh(), nn.MaxPool2d(2),
    nn.Linear(8 * 8 * 8, 32), nn.Tanh(), nn.Linear(32, 2))
numel_list = [p.numel() for p in model.parameters()]
print(sum(numel_list), numel_list)

print("# seed 003, 8.3 / 8.5: Net, NetWidth")
print(Net())
print(sum(p.numel() for p in Net().parameters()), sum(p.numel() for p in NetWidth().parameters()))

print("# seed 004: Conv2d / MaxPool2d arguments on a (1, 4, 32, 32) input")
x = torch.randn(1, 4, 32, 32)
for m in [nn.Conv2d(4, 8, 3), nn.Conv2d(4, 8, 3, stride=2), nn.Conv2d(4, 8, 3, padding=1), nn.Conv2d(4, 8, (3, 2)),
          nn.Conv2d(4, 8, 3, dilation=2), nn.Conv2d(4, 8, 3, groups=2), nn.Conv2d(4, 8, 3, bias=False),
          nn.MaxPool2d(2), nn.MaxPool2d(3, stride=2), nn.MaxPool2d(3, stride=2, ceil_mode=True),
          nn.MaxPool2d(2, padding=1), nn.MaxPool2d(2, dilation=2)]:
    extra = ""
    if isinstance(m, nn.Conv2d):
        bias = "None" if m.bias is None else list(m.bias.shape)
        extra = f"  weight {list(m.weight.shape)} bias {bias} params {sum(p.numel() for p in m.parameters())}"
    print(f"{m} -> {list(m(x).shape)}{extra}")

print("# seed 004: SimpleCNN, its slices, the MNIST CNN's parameter count")
model = SimpleCNN()
print(model)
print(nn.Sequential(*list(model.children())[:2]))
print(model.layer1[0])
print(model.layer1[:2])
print(sum(p.numel() for p in model.parameters()))


class CNN(nn.Module):  # seed 004's MNIST CNN
    def __init__(self):
        super(CNN, self).__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 16, kernel_size=(3, 3)), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.layer2 = nn.Sequential(nn.Conv2d(16, 32, kernel_size=(3, 3)), nn.BatchNorm2d(32), nn.ReLU(inplace=True),
                                    nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer3 = nn.Sequential(nn.Conv2d(32, 64, kernel_size=(3, 3)), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.layer4 = nn.Sequential(nn.Conv2d(64, 128, kernel_size=(3, 3)), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
                                    nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Sequential(nn.Linear(128 * 4 * 4, 1024), nn.ReLU(inplace=True), nn.Linear(1024, 128),
                                nn.Linear(128, 10))


print(sum(p.numel() for p in CNN().parameters()))
