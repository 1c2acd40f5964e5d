"""Times PyTorch's float32 `a @ b` (OpenBLAS on this machine) for Lumen's --compare mode.

Usage: pytorch_sgemm.py THREADS RUNS N [N ...]
Prints one line per size: "N median_seconds best_seconds". Run it with
`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` (those variables slow OpenBLAS on this machine)."""
import statistics
import sys
import time

import torch

threads, runs = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)
for n in map(int, sys.argv[3:]):
    a = torch.rand(n, n) * 2 - 1
    b = torch.rand(n, n) * 2 - 1
    c = a @ b  # warm-up
    c = a @ b
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        c = torch.matmul(a, b)
        times.append(time.perf_counter() - t0)
    print(n, statistics.median(times), min(times), flush=True)
