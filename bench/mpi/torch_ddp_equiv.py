"""PyTorch 1.13's own numbers for issue 19's equivalence bound (docs/distributed.md), on the CPU with the gloo backend.

  python3 bench/mpi/torch_ddp_equiv.py net        DLwPT's Net: DDP 2 processes x batch 50 vs 1 process x batch 100,
                                                  20 Adam steps, same init and data; per-tensor relative difference
  python3 bench/mpi/torch_ddp_equiv.py mnist-ddp  seed 004's MNIST CNN (plain BatchNorm) the same way, SGD momentum 0.9
  python3 bench/mpi/torch_ddp_equiv.py mnist-chaos seed 004's MNIST CNN, 1 process: the run vs the same run started
                                                  from weights scaled by (1 + 1e-7), 20 steps
SyncBatchNorm cannot take part: PyTorch 1.13's nn.SyncBatchNorm raises "SyncBatchNorm expected input tensor to be on
GPU" for CPU tensors. MNIST is read from $MNIST_RAW (the raw idx files), else random images are used and said so.
"""
import gzip, os, sys
import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn

STEPS, GLOBAL = 20, 100


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1); self.act1 = nn.Tanh(); self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 8, 3, padding=1); self.act2 = nn.Tanh(); self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(8 * 8 * 8, 32); self.act3 = nn.Tanh(); self.fc2 = nn.Linear(32, 2)

    def forward(self, x):
        out = self.pool1(self.act1(self.conv1(x)))
        out = self.pool2(self.act2(self.conv2(out)))
        return self.fc2(self.act3(self.fc1(out.view(-1, 8 * 8 * 8))))


class MnistCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Conv2d(1, 16, 3), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.layer2 = nn.Sequential(nn.Conv2d(16, 32, 3), nn.BatchNorm2d(32), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
        self.layer3 = nn.Sequential(nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.layer4 = nn.Sequential(nn.Conv2d(64, 128, 3), nn.BatchNorm2d(128), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
        self.fc = nn.Sequential(nn.Linear(128 * 4 * 4, 1024), nn.ReLU(inplace=True), nn.Linear(1024, 128), nn.Linear(128, 10))

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(x.view(x.size(0), -1))


def data(model):
    n = GLOBAL * STEPS
    if model == "net":
        g = torch.Generator().manual_seed(3)
        return torch.randn(n, 3, 32, 32, generator=g), torch.randint(0, 2, (n,), generator=g)
    raw = os.environ.get("MNIST_RAW")
    if raw:
        def idx(name):
            p = os.path.join(raw, name)
            b = gzip.open(p).read() if p.endswith(".gz") else open(p, "rb").read()
            return np.frombuffer(b, np.uint8)
        imgs = idx(next(f for f in os.listdir(raw) if f.startswith("train-images")))[16:].reshape(-1, 1, 28, 28)[:n]
        labels = idx(next(f for f in os.listdir(raw) if f.startswith("train-labels")))[8:][:n]
        x = (torch.from_numpy(imgs.astype(np.float32)) / 255 - 0.5) / 0.5
        return x, torch.from_numpy(labels.astype(np.int64))
    print("MNIST_RAW not set: random images", flush=True)
    g = torch.Generator().manual_seed(3)
    return torch.randn(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)


def make(model):
    torch.manual_seed(4)
    net = Net() if model == "net" else MnistCNN()
    opt = torch.optim.Adam(net.parameters()) if model == "net" else torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    return net, opt


def train(net, opt, x, y, rank, world, wrapped=None):
    call = wrapped or net
    for s in range(STEPS):
        idx = torch.arange(s * GLOBAL + rank, (s + 1) * GLOBAL, world)   # DistributedSampler(shuffle=False)'s shard
        opt.zero_grad()
        nn.functional.cross_entropy(call(x[idx]), y[idx]).backward()
        opt.step()
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def rank_main(rank, world, model, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29513", rank=rank, world_size=world)
    net, opt = make(model)
    x, y = data(model)
    sd = train(net, opt, x, y, rank, world, nn.parallel.DistributedDataParallel(net))
    if rank == 0: torch.save(sd, out)
    dist.destroy_process_group()


def report(a, b):
    worst = 0.0
    for k in b:
        if not b[k].is_floating_point(): continue
        d = ((a[k].double() - b[k].double()).norm() / b[k].double().norm().clamp_min(1e-30)).item()
        worst = max(worst, d)
        print(f"  {k:28s} {d:.2e}")
    print(f"  worst tensor: {worst:.2e}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    model = sys.argv[1]
    if model == "mnist-chaos":
        x, y = data("mnist")
        net, opt = make("mnist"); ref = train(net, opt, x, y, 0, 1)
        net, opt = make("mnist")
        with torch.no_grad():
            for p in net.parameters(): p.mul_(1 + 1e-7)
        report(train(net, opt, x, y, 0, 1), ref)
    else:
        kind = "net" if model == "net" else "mnist"
        net, opt = make(kind); x, y = data(kind); one = train(net, opt, x, y, 0, 1)
        out = f"/tmp/torch_ddp_{kind}.pt"
        mp.spawn(rank_main, args=(2, kind, out), nprocs=2)
        print(f"{kind}: 2 processes x {GLOBAL // 2} (DDP, gloo) vs 1 process x {GLOBAL}, {STEPS} steps, PyTorch {torch.__version__}")
        report(torch.load(out), one)
