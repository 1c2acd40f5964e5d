"""One case of /work/shared/bench/pytorch_baseline.py per process, for bench/run.sh --models.

Run: /usr/bin/python3 bench/pytorch_models.py CASE [--threads 2] [--windows 5]
     /usr/bin/python3 bench/pytorch_models.py --params      (every case's parameter names and shapes)
Prints one JSON line: images/s (median and best of the timing windows) and the process's peak RSS (ru_maxrss).
The model classes are imported from the shared baseline so both sides time exactly its definitions.
"""
import argparse, json, os, resource, sys, time
sys.path.insert(0, os.environ.get("LUMEN_PYTORCH_BASELINE_DIR", "/work/shared/bench"))
import torch, torch.nn as nn
from pytorch_baseline import MnistCNN, Net, SimpleCNN, Tiny3D

def resnet18():
    import torchvision
    return torchvision.models.resnet18()

def vgg16():
    import torchvision
    return torchvision.models.vgg16()

def _fixtures_dir():
    """tests/Fixtures of this checkout, found upwards from this script (bench/ or Lumen.Bench's build output)."""
    d = os.path.dirname(os.path.abspath(__file__))
    while d != os.path.dirname(d):
        if os.path.isfile(os.path.join(d, "tests", "Fixtures", "gen_models.py")):
            return os.path.join(d, "tests", "Fixtures")
        d = os.path.dirname(d)
    raise FileNotFoundError("tests/Fixtures/gen_models.py not found above " + os.path.abspath(__file__))

# Seed 001's ConvNet(c1 48, c2 96, l1 256): the golden fixtures' definition, the one Lumen's ConvNet is tested against.
sys.path.insert(0, _fixtures_dir())
from gen_models import ConvNet

CASES = {  # name: (model, input shape, classes, optimizer, steps per window, warm-up steps, train)
    "mnist_cnn_seed004_b100_adam": (MnistCNN, (100, 1, 28, 28), 10, "adam", 10, 3, True),
    "net_dlwpt_b64_sgd": (Net, (64, 3, 32, 32), 2, "sgd", 50, 3, True),
    "simplecnn_seed004_b64_sgd": (SimpleCNN, (64, 3, 32, 32), 10, "sgd", 10, 3, True),
    "tiny3d_b8_sgd": (Tiny3D, (8, 1, 32, 32, 32), 2, "sgd", 10, 3, True),
    "resnet18_224_b8_sgd": (resnet18, (8, 3, 224, 224), 1000, "sgd", 3, 1, True),
    "resnet18_224_b8_infer": (resnet18, (8, 3, 224, 224), 1000, "sgd", 5, 2, False),
    "resnet18_224_b8_infer_fused": (resnet18, (8, 3, 224, 224), 1000, "sgd", 5, 2, False),  # eager: Lumen's side fuses
    "vgg16_224_b4_infer": (vgg16, (4, 3, 224, 224), 1000, "sgd", 3, 1, False),
    "convnet_seed001_b512_adam": (ConvNet, (512, 3, 32, 32), 10, "adam", 2, 1, True),
}

def print_params():
    """--params: every case's parameter names and shapes, one JSON line per case (Lumen.Bench --models --params)."""
    for name, (make, *_rest) in CASES.items():
        model = make()
        print(json.dumps({"case": name, "params": [f"{n} [{','.join(map(str, p.shape))}]" for n, p in model.named_parameters()]}))

def main():
    if sys.argv[1:] == ["--params"]:
        return print_params()
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--windows", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    make, shape, classes, opt_name, steps, warm, train = CASES[a.case]
    model = make()
    torch.manual_seed(0)
    x = torch.randn(*shape); y = torch.randint(0, classes, (shape[0],))
    if train:
        opt = torch.optim.Adam(model.parameters()) if opt_name == "adam" else torch.optim.SGD(model.parameters(), lr=1e-2)
        loss_fn = nn.CrossEntropyLoss()
        model.train()
        def step():
            out = model(x); loss = loss_fn(out, y)
            opt.zero_grad(); loss.backward(); opt.step()
    else:
        model.eval()
        def step():
            with torch.no_grad(): model(x)
    for _ in range(warm): step()
    per_step = []
    for _ in range(a.windows):
        t0 = time.perf_counter()
        for _ in range(steps): step()
        per_step.append((time.perf_counter() - t0) / steps)
    per_step.sort()
    print(json.dumps({"case": a.case, "images_per_s_median": shape[0] / per_step[len(per_step) // 2],
                      "images_per_s_best": shape[0] / per_step[0],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))

if __name__ == "__main__":
    main()
