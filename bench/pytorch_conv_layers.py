"""Per-layer convolution timings on PyTorch's side, for `Lumen.Bench --conv-layers` (bench/run.sh --conv-layers).

Run: /usr/bin/python3 bench/pytorch_conv_layers.py [--threads 2] [--reps 7] [--only NAME] [--best] [--cpu]
For each convolution shape of ResNet-18 (batch 8, 224x224) and VGG-16 (batch 4), times three passes alone:
forward F.conv2d, input gradient (autograd.grad w.r.t. the input only) and weight gradient (w.r.t. the weight only).
Prints one JSON line per layer: milliseconds per pass (median, or with --best the fastest, of --reps calls after two warm-up calls).
"""
import argparse, json, time
import torch, torch.nn.functional as F

# name: (batch, in channels, out channels, kernel, stride, padding, input size, times the layer occurs in the model)
LAYERS = {
    "r18.conv1 7x7/2 3-64 224": (8, 3, 64, 7, 2, 3, 224, 1),
    "r18.l1 3x3 64-64 56": (8, 64, 64, 3, 1, 1, 56, 4),
    "r18.l2.0 3x3/2 64-128 56": (8, 64, 128, 3, 2, 1, 56, 1),
    "r18.l2 3x3 128-128 28": (8, 128, 128, 3, 1, 1, 28, 3),
    "r18.l2.ds 1x1/2 64-128 56": (8, 64, 128, 1, 2, 0, 56, 1),
    "r18.l3.0 3x3/2 128-256 28": (8, 128, 256, 3, 2, 1, 28, 1),
    "r18.l3 3x3 256-256 14": (8, 256, 256, 3, 1, 1, 14, 3),
    "r18.l3.ds 1x1/2 128-256 28": (8, 128, 256, 1, 2, 0, 28, 1),
    "r18.l4.0 3x3/2 256-512 14": (8, 256, 512, 3, 2, 1, 14, 1),
    "r18.l4 3x3 512-512 7": (8, 512, 512, 3, 1, 1, 7, 3),
    "r18.l4.ds 1x1/2 256-512 14": (8, 256, 512, 1, 2, 0, 14, 1),
    "vgg.c1 3x3 3-64 224": (4, 3, 64, 3, 1, 1, 224, 1),
    "vgg.c2 3x3 64-64 224": (4, 64, 64, 3, 1, 1, 224, 1),
    "vgg.c4 3x3 128-128 112": (4, 128, 128, 3, 1, 1, 112, 1),
    "vgg.c6 3x3 256-256 56": (4, 256, 256, 3, 1, 1, 56, 2),
    "vgg.c9 3x3 512-512 28": (4, 512, 512, 3, 1, 1, 28, 2),
    "vgg.c12 3x3 512-512 14": (4, 512, 512, 3, 1, 1, 14, 3),
}

BEST = False
CLOCK = time.perf_counter

def median_ms(fn, reps):
    for _ in range(2): fn()
    ts = []
    for _ in range(reps):
        t0 = CLOCK(); fn(); ts.append((CLOCK() - t0) * 1e3)
    ts.sort()
    return ts[0] if BEST else ts[len(ts) // 2]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--only")
    p.add_argument("--best", action="store_true", help="report the fastest call instead of the median")
    p.add_argument("--cpu", action="store_true", help="time by process CPU time instead of the wall clock")
    a = p.parse_args()
    global BEST, CLOCK
    BEST = a.best
    if a.cpu: CLOCK = time.process_time
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name, (n, c, oc, k, s, pad, hw, count) in LAYERS.items():
        if a.only and a.only not in name: continue
        x = torch.randn(n, c, hw, hw, requires_grad=True)
        w = torch.randn(oc, c, k, k, requires_grad=True)
        y = F.conv2d(x, w, None, s, pad)
        gy = torch.randn_like(y)
        fwd = median_ms(lambda: F.conv2d(x, w, None, s, pad), a.reps)
        dx = median_ms(lambda: torch.autograd.grad(y, x, gy, retain_graph=True), a.reps)
        dw = median_ms(lambda: torch.autograd.grad(y, w, gy, retain_graph=True), a.reps)
        print(json.dumps({"layer": name, "count": count, "forward_ms": fwd, "input_grad_ms": dx, "weight_grad_ms": dw}), flush=True)

if __name__ == "__main__":
    main()
