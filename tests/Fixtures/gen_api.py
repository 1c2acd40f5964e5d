"""Golden values for issue 17's API parity (tests/Lumen.Tests/NN/EmbeddingTests.cs, NN/Pooling/PoolIndicesCallTests.cs,
Optim/SparseAdamTests.cs, Optim/SchedulerOrderWarningTests.cs, Data/DefaultCollateTests.cs,
Serialization/CheckpointDictTests.cs; tests/Lumen.Vision.Tests/Utils/MakeGridTests.cs, Codecs/ImageConvertTests.cs).

- pools: nn.MaxPool1d/2d/3d and nn.AdaptiveMaxPool1d/2d/3d built with return_indices=True, called as modules (the
  pair PyTorch returns), and nn.MaxUnpool2d on the 2-d pair.
- embedding: nn.Embedding's init (N(0, 1), padding row zeroed) after torch.manual_seed, forward on int64 indices,
  grad_fn, the dense weight gradient, the sparse one (indices/values as backward made them, and coalesced), max_norm's
  in-place renormalisation, and a few SparseAdam steps on a sparse embedding; the errors PyTorch raises for SparseAdam
  on a dense gradient and Adam on a sparse one; clip_grad_norm_ over a sparse gradient.
- scheduler_warning: the UserWarning PyTorch prints when a scheduler steps before its optimizer, and how many times.
- collate: torch.utils.data.default_collate on dict, nested tuple and multi-label samples.
- checkpoint: torch.save({'params': ..., 'optimizer': ..., 'epoch': 3, ...}) of a Linear + Adam after two steps
  (data/serialization/pytorch_checkpoint.pth) and the parameters after one more step. If Lumen's own
  data/serialization/lumen_checkpoint.pth exists (written by CheckpointDictTests with LUMEN_WRITE_FIXTURES=1), it is
  loaded here with torch.load, resumed, and must give the same third step; torch.load(weights_only=True) must fail on it
  exactly as on PyTorch's own file (1.13's restricted unpickler has no BINFLOAT, so no checkpoint holding a float loads).
- make_grid.json: torchvision.utils.make_grid (padding, nrow, normalize, value_range, scale_each, pad_value, one
  channel) and PIL's Image.convert between L, LA, RGB, RGBA.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_api.py
"""
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image
from torch.utils.data import default_collate

from common import OUT, save, seeded, t

cases = {}

# ------------------------------------------------------------------ pools called as modules with return_indices
seeded(1701)
for name, mod, shape in [
    ("maxpool1d", nn.MaxPool1d(3, stride=2, padding=1, return_indices=True), (2, 3, 9)),
    ("maxpool2d", nn.MaxPool2d(2, return_indices=True), (2, 3, 6, 6)),
    ("maxpool2d_ceil", nn.MaxPool2d(3, stride=2, ceil_mode=True, return_indices=True), (1, 2, 7, 8)),
    ("maxpool3d", nn.MaxPool3d(2, return_indices=True), (1, 2, 4, 4, 4)),
    ("adaptive1d", nn.AdaptiveMaxPool1d(4, return_indices=True), (2, 2, 10)),
    ("adaptive2d", nn.AdaptiveMaxPool2d((3, 2), return_indices=True), (2, 2, 7, 5)),
    ("adaptive3d", nn.AdaptiveMaxPool3d(2, return_indices=True), (1, 2, 5, 4, 3)),
]:
    x = torch.randn(shape)
    values, indices = mod(x)
    c = {"x": t(x), "values": t(values), "indices": t(indices)}
    if name == "maxpool2d":
        c["unpooled"] = t(nn.MaxUnpool2d(2)(values, indices))
    cases["pool_" + name] = c

# ------------------------------------------------------------------ embedding
torch.manual_seed(0)
emb = nn.Embedding(10, 3, padding_idx=0)
init_weight = emb.weight.detach().clone()
idx = torch.tensor([[1, 3, 3], [0, 9, 3]])
out = emb(idx)
g = torch.randn(out.shape)
out.backward(g)
cases["embedding_dense"] = {"repr": repr(emb), "weight": t(init_weight), "idx": t(idx), "out": t(out),
                            "grad_fn": out.grad_fn.name(), "g": t(g), "grad": t(emb.weight.grad)}

torch.manual_seed(0)
emb = nn.Embedding(10, 3, padding_idx=0, sparse=True)
out = emb(idx)
out.backward(g)
sg = emb.weight.grad
co = sg.coalesce()
cases["embedding_sparse"] = {"repr": repr(emb), "is_sparse": sg.is_sparse, "indices": t(sg._indices()), "values": t(sg._values()),
                             "coalesced_indices": t(co.indices()), "coalesced_values": t(co.values()), "dense": t(sg.to_dense())}

torch.manual_seed(5)
emb = nn.Embedding(6, 4, max_norm=1.0)
w0 = emb.weight.detach().clone()
ids = torch.tensor([4, 1, 4, 2])
out = emb(ids)
cases["embedding_max_norm"] = {"repr": repr(emb), "weight": t(w0), "idx": t(ids), "out": t(out), "weight_after": t(emb.weight.detach())}

torch.manual_seed(2)
emb = nn.Embedding(4, 2, padding_idx=-1)
cases["embedding_negative_padding"] = {"repr": repr(emb), "weight": t(emb.weight.detach())}

# SparseAdam on a sparse embedding: four steps over different batches
torch.manual_seed(11)
emb = nn.Embedding(8, 3, sparse=True)
w0 = emb.weight.detach().clone()
opt = torch.optim.SparseAdam(emb.parameters(), lr=0.05, betas=(0.8, 0.95))
batches = [[1, 2, 2, 5], [0, 5, 5, 5], [7, 1], [2, 2, 6, 1, 0]]
targets = torch.randn(4, 5, 3)
losses, weights = [], []
for k, b in enumerate(batches):
    opt.zero_grad()
    ii = torch.tensor(b)
    loss = ((emb(ii) - targets[k, :len(b)]) ** 2).sum()
    loss.backward()
    opt.step()
    losses.append(float(loss))
    weights.append(t(emb.weight.detach()))
cases["sparse_adam_embedding"] = {"weight": t(w0), "targets": t(targets), "batches": batches, "losses": losses, "weights": weights,
                                  "exp_avg": t(opt.state[emb.weight]["exp_avg"]), "step": int(opt.state[emb.weight]["step"])}



def step_error(sparse, make_opt):
    """The RuntimeError PyTorch raises when make_opt's optimizer steps on an embedding's (sparse or dense) gradient."""
    e = nn.Embedding(4, 2, sparse=sparse)
    e(torch.tensor([1])).sum().backward()
    try:
        make_opt(e.parameters()).step()
    except RuntimeError as err:
        return str(err)
    raise SystemExit(f"no error for sparse={sparse}")


dense_msg = step_error(False, torch.optim.SparseAdam)
sparse_msg = step_error(True, torch.optim.Adam)
cases["sparse_errors"] = {"sparse_adam_dense": dense_msg, "adam_sparse": sparse_msg}

# clip_grad_norm_ counts a sparse gradient (torch.norm coalesces it); 1.13 then leaves it unscaled (g.detach().mul_()
# writes the product into the detached copy's new values, not into p.grad), which "grad_after" records
torch.manual_seed(0)
emb = nn.Embedding(5, 2, sparse=True)
ids = torch.tensor([1, 1, 3])
g = torch.randn(3, 2) * 5
(emb(ids) * g).sum().backward()
total = torch.nn.utils.clip_grad_norm_(emb.parameters(), 1.0)
cases["clip_sparse"] = {"weight": t(emb.weight.detach()), "idx": t(ids), "g": t(g), "total": float(total),
                        "grad_after": t(emb.weight.grad.to_dense())}

# ------------------------------------------------------------------ scheduler order warning
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("default")
    p = nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=0.1)
    s = torch.optim.lr_scheduler.StepLR(o, step_size=1)
    for _ in range(3):
        s.step()       # before any optimizer.step(): warns on the first call only
    o2 = torch.optim.SGD([p], lr=0.1)
    s2 = torch.optim.lr_scheduler.StepLR(o2, step_size=1)
    o2.step()
    s2.step()          # right order: no warning
    order = [str(x.message) for x in w if "lr_scheduler.step()" in str(x.message)]
cases["scheduler_warning"] = {"messages": order, "category": "UserWarning"}

# ------------------------------------------------------------------ default_collate
seeded(3)
samples = [{"image": torch.randn(2, 2), "labels": torch.tensor([1.0, 0.0, 1.0]), "id": i, "weight": 0.5 * i,
            "meta": (i * 10, torch.tensor([i, i + 1]))} for i in range(3)]
b = default_collate(samples)
cases["collate_dict"] = {"image": t(b["image"]), "labels": t(b["labels"]), "id": t(b["id"]), "weight_dtype": str(b["weight"].dtype),
                         "weight": t(b["weight"].float()), "meta0": t(b["meta"][0]), "meta1": t(b["meta"][1]),
                         "meta_type": type(b["meta"]).__name__}
multi = [(torch.randn(3), [1, 0, 1]), (torch.randn(3), [0, 0, 1])]
mb = default_collate(multi)
cases["collate_multilabel_list"] = {"x": t(mb[0]), "targets": [t(v) for v in mb[1]], "targets_type": type(mb[1]).__name__}

# ------------------------------------------------------------------ checkpoint dict
ser = os.path.join(OUT, "serialization")
seeded(17)
lin = nn.Linear(4, 3)
opt = torch.optim.Adam(lin.parameters(), lr=0.01)
X, Y = torch.randn(5, 4), torch.randn(5, 3)


def step(model, optimizer):
    optimizer.zero_grad()
    loss = F.mse_loss(model(X), Y)
    loss.backward()
    optimizer.step()
    return float(loss)


for _ in range(2):
    last = step(lin, opt)
torch.save({"params": lin.state_dict(), "optimizer": opt.state_dict(), "epoch": 3, "loss": last, "name": "tiny"},
           os.path.join(ser, "pytorch_checkpoint.pth"))
step(lin, opt)
ck = {"X": t(X), "Y": t(Y), "loss": last, "weight3": t(lin.weight.detach()), "bias3": t(lin.bias.detach())}
lumen_file = os.path.join(ser, "lumen_checkpoint.pth")



def weights_only_error(path):
    """PyTorch 1.13's weights_only unpickler has no BINFLOAT: any checkpoint holding a Python float (lr, loss) fails,
    PyTorch's own included. Lumen's file must fail the same way, not another."""
    try:
        torch.load(path, weights_only=True)
        return None
    except Exception as e:  # noqa: BLE001 - the message is what is compared
        return str(e).split("WeightsUnpickler error: ")[-1]


if os.path.exists(lumen_file):
    loaded = torch.load(lumen_file)
    assert list(loaded) == ["params", "optimizer", "epoch", "loss", "name"], list(loaded)
    m2 = nn.Linear(4, 3)
    m2.load_state_dict(loaded["params"])
    o2 = torch.optim.Adam(m2.parameters(), lr=0.01)
    o2.load_state_dict(loaded["optimizer"])
    assert loaded["epoch"] == 3 and loaded["name"] == "tiny" and loaded["loss"] == last, loaded
    step(m2, o2)
    assert torch.equal(m2.weight, lin.weight) and torch.equal(m2.bias, lin.bias), "Lumen's checkpoint resumed differently"
    ck["weights_only_error"] = weights_only_error(os.path.join(ser, "pytorch_checkpoint.pth"))
    assert weights_only_error(lumen_file) == ck["weights_only_error"], weights_only_error(lumen_file)
    ck["lumen_checkpoint_checked"] = True
    print("lumen_checkpoint.pth: torch.load resumes it to PyTorch's third step exactly; weights_only fails as on PyTorch's own file:",
          ck["weights_only_error"])
cases["checkpoint"] = ck

save("api", cases)

# ------------------------------------------------------------------ torchvision make_grid + PIL convert
grid = {}
seeded(9)
batch = torch.randn(5, 3, 4, 3)
grid["default"] = {"x": t(batch), "out": t(torchvision.utils.make_grid(batch))}
grid["nrow2_pad1_normalize"] = {"out": t(torchvision.utils.make_grid(batch, nrow=2, padding=1, normalize=True))}
grid["value_range_pad_value"] = {"out": t(torchvision.utils.make_grid(batch, nrow=3, normalize=True, value_range=(-1.0, 1.0), pad_value=0.5))}
grid["scale_each"] = {"out": t(torchvision.utils.make_grid(batch, nrow=4, padding=0, normalize=True, scale_each=True))}
gray = torch.rand(3, 1, 2, 2)
grid["one_channel"] = {"x": t(gray), "out": t(torchvision.utils.make_grid(gray, nrow=2))}
grid["single_image"] = {"out": t(torchvision.utils.make_grid(batch[:1], normalize=True))}
rgba = np.random.RandomState(4).randint(0, 256, (3, 4, 4)).astype(np.uint8)
img = Image.fromarray(rgba, "RGBA")
conv = {"rgba": t(torch.from_numpy(rgba))}
for src in ("RGBA", "RGB", "L", "LA"):
    s = img.convert(src)
    for dst in ("RGB", "L", "RGBA", "LA"):
        conv[f"{src}->{dst}"] = t(torch.from_numpy(np.array(s.convert(dst))))
grid["convert"] = conv
save("make_grid", grid)
