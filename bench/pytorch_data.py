"""PyTorch 1.13's side of Lumen.Bench --data (bench/run.sh --data): a seed's training epochs end to end from the CIFAR-10
JPEG class folders, with torchvision's ImageFolder and DataLoader(num_workers=2), as a user of the seed writes them.

Run: /usr/bin/python3 bench/pytorch_data.py CASE --root ../shared/data/cifar10-jpeg [--epochs 2] [--limit N] [--threads 2] [--workers 2]
Cases (same data, transforms, batch, model and optimizer as DataPathBench.cs):
  birds_airplanes_seed003  DLwPT ch. 8: airplane -> 0, bird -> 1, CIFAR-10 mean/std, batch 64 shuffled, Net, SGD lr 1e-2
  cifar10_convnet_seed001  seed 001: ten classes, Normalize(0.5, 0.5), batch 512 shuffled, ConvNet(48, 96, 256), Adam lr 1e-3
--limit N keeps N images spread evenly over the case's images (index i * count // N), the ones Lumen's side takes.
Prints one JSON line: setup_s (from before `import torch` to the loader ready), epoch_s, images, last_loss.
"""
import time
T0 = time.perf_counter()
import argparse, json, os, sys
import torch, torch.nn as nn
import torchvision
from torchvision import transforms
sys.path.insert(0, os.environ.get("LUMEN_PYTORCH_BASELINE_DIR", "/work/shared/bench"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_baseline import Net
from pytorch_models import ConvNet

CASES = {  # name: (kept classes or None, mean, std, batch, optimizer, model)
    "birds_airplanes_seed003": (["airplane", "bird"], (0.4915, 0.4823, 0.4468), (0.2470, 0.2435, 0.2616), 64, "sgd", Net),
    "cifar10_convnet_seed001": (None, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), 512, "adam", ConvNet),
}

class LabelMap:
    """seed 003's label_map = {0: 0, 2: 1} (a class, not a lambda, so DataLoader's workers can pickle it)."""
    def __init__(self, keep): self.keep = keep
    def __call__(self, t): return self.keep.index(t) if self.keep else t

def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--root", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=2)
    a = p.parse_args()
    classes, mean, std, batch, opt_name, make = CASES[a.case]
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    label_map = LabelMap(None)
    folder = torchvision.datasets.ImageFolder(os.path.join(a.root, "train"),
                                              transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)]),
                                              target_transform=label_map)
    keep = [folder.class_to_idx[c] for c in classes] if classes else None
    label_map.keep = keep
    idx = [i for i, t in enumerate(folder.targets) if keep is None or t in keep]
    if 0 < a.limit < len(idx):
        idx = [idx[i * len(idx) // a.limit] for i in range(a.limit)]
    loader = torch.utils.data.DataLoader(torch.utils.data.Subset(folder, idx), batch_size=batch, shuffle=True,
                                         num_workers=a.workers, generator=torch.Generator().manual_seed(0))
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3) if opt_name == "adam" else torch.optim.SGD(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    setup = time.perf_counter() - T0
    times, last = [], float("nan")
    for e in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        for x, y in loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
            last = loss.item()
        times.append(time.perf_counter() - t0)
        print(f"# {a.case} PyTorch epoch {e + 1}: {times[-1]:.2f} s, last loss {last:.4f}", file=sys.stderr, flush=True)
    print(json.dumps({"case": a.case, "setup_s": setup, "epoch_s": times, "images": len(idx), "last_loss": last}))

if __name__ == "__main__":
    main()
