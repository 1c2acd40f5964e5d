"""Fixtures for Lumen.Serialization: small checkpoint files written by PyTorch 1.13 itself (torch.save), plus the
values each must load to (serialization/expected.json, via common.t).

Files (tests/Fixtures/data/serialization/):
  linear_bn.pth            state_dict of Linear(3, 4) + BatchNorm1d(4) after two training steps (num_batches_tracked int64)
  linear_bn_legacy.pth     the same state dict in the legacy (pre-1.6, _use_new_zipfile_serialization=False) format
  views.pth                a conv weight saved as a transposed view, a strided slice with a storage offset, a 0-d view
  shared.pth               three keys over one storage (the base, a row, its transpose)
  dtypes.pth               0-d, empty, bool, uint8, int64, float16, float64, int32, int16, int8, bfloat16 tensors
  nested.pth               {"model": state_dict, "epoch": 3, "optimizer": SGD state_dict, ...}
  parameter.pth            a bare nn.Parameter (torch._utils._rebuild_parameter)
  reference.safetensors    safetensors bytes laid out as the reference writer lays them out (sorted by dtype
                           alignment then name, "__metadata__" first, header padded with spaces); the safetensors
                           package is not installed here, so this script writes the format by hand
  malicious_posix_system.pth   a zip torch.save of an object whose __reduce__ is os.system (GLOBAL posix.system)
  malicious_eval.pth           the same with builtins.eval, hidden after real tensors inside a state dict
  malicious_raw.pkl            a raw protocol-2 pickle calling os.system
The payloads would run `touch lumen_pwned_marker` (relative to the loader's working folder); tests assert the
marker never appears. Nothing is executed here: pickling only records the reference.
"""
import collections
import json
import os
import pickle
import struct

import torch
import torch.nn as nn

from common import OUT, seeded, t

DIR = os.path.join(OUT, "serialization")
os.makedirs(DIR, exist_ok=True)
cases = {}


def path(name):
    return os.path.join(DIR, name)


def expect(name, d):
    cases[name] = {k: t(v) for k, v in d.items()}


def layout(name, d):
    """Records storage offset and strides, so tests can check that views came back as views."""
    cases[name + "_layout"] = {k: {"offset": v.storage_offset(), "stride": list(v.stride())} for k, v in d.items()}


# ---------------------------------------------------------------- Linear + BatchNorm
seeded(0)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for _ in range(2):
    opt.zero_grad()
    model(torch.randn(5, 3)).pow(2).sum().backward()
    opt.step()
sd = model.state_dict()
assert int(sd["1.num_batches_tracked"]) == 2
torch.save(sd, path("linear_bn.pth"))
torch.save(sd, path("linear_bn_legacy.pth"), _use_new_zipfile_serialization=False)
expect("linear_bn", sd)

# ---------------------------------------------------------------- views
base = torch.randn(3, 2, 3, 3)
sliced_base = torch.randn(5, 6)
views = collections.OrderedDict()
views["conv.weight"] = base.transpose(0, 1)          # (2, 3, 3, 3), strides (9, 18, 3, 1)
views["sliced"] = sliced_base[1:4, ::2]               # offset 6, strides (6, 2)
views["scalar_view"] = sliced_base[4, 5]              # 0-d view at offset 29
assert not views["conv.weight"].is_contiguous()
torch.save(views, path("views.pth"))
expect("views", views)
layout("views", views)

# ---------------------------------------------------------------- shared storage
a = torch.randn(4, 5)
shared = collections.OrderedDict([("a", a), ("a_row2", a[2]), ("a_t", a.t())])
torch.save(shared, path("shared.pth"))
expect("shared", shared)
layout("shared", shared)

# ---------------------------------------------------------------- dtypes, 0-d and empty
dt = collections.OrderedDict()
dt["f32_scalar"] = torch.tensor(3.5)
dt["i64_scalar"] = torch.tensor(-7)
dt["f32_empty"] = torch.zeros(0, 3)
dt["i64_empty"] = torch.zeros(2, 0, dtype=torch.int64)
dt["bool"] = torch.tensor([[True, False, True], [False, False, True]])
dt["u8"] = torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8)
dt["i64"] = torch.tensor([-(2 ** 62), -1, 0, 1, 2 ** 62 + 12345])
dt["f32_special"] = torch.tensor([float("inf"), float("-inf"), -0.0, 1e-45, 3.4028235e38])
dt["f16"] = torch.randn(2, 3).half()
dt["f64"] = torch.randn(3).double()
dt["bf16"] = torch.randn(4).bfloat16()
dt["i32"] = torch.tensor([-(2 ** 31), 2 ** 31 - 1, 5], dtype=torch.int32)
dt["i16"] = torch.tensor([-32768, 32767], dtype=torch.int16)
dt["i8"] = torch.tensor([-128, 127, -1], dtype=torch.int8)
torch.save(dt, path("dtypes.pth"))
# Lumen widens float16/64/bfloat16 to float32 and int32/16/8 to int64, as .float() / .long() would.
expect("dtypes", collections.OrderedDict(
    (k, v.float() if v.is_floating_point() else v.long() if v.dtype in (torch.int32, torch.int16, torch.int8) else v)
    for k, v in dt.items()))

# ---------------------------------------------------------------- nested checkpoint
nested = {
    "model": sd,
    "epoch": 3,
    "optimizer": opt.state_dict(),
    "best_acc": 0.875,
    "name": "run-1",
    "betas": (0.9, 0.999),
    "flags": [True, False, None],
    "big": 2 ** 40,
    "neg": -5,
}
torch.save(nested, path("nested.pth"))
cases["nested"] = {
    "model": {k: t(v) for k, v in sd.items()},
    "momentum_0": t(opt.state_dict()["state"][0]["momentum_buffer"]),
    "param_groups_params": opt.state_dict()["param_groups"][0]["params"],
}

# ---------------------------------------------------------------- bare Parameter
seeded(1)
p = nn.Parameter(torch.randn(2, 2))
torch.save(p, path("parameter.pth"))
cases["parameter"] = {"value": t(p)}

# ---------------------------------------------------------------- safetensors, laid out like the reference writer
DTYPES = {torch.float32: ("F32", 11), torch.int64: ("I64", 13), torch.uint8: ("U8", 1), torch.bool: ("BOOL", 0),
          torch.float16: ("F16", 7), torch.float64: ("F64", 12), torch.int32: ("I32", 9)}
st = {
    "weight": torch.randn(3, 2),
    "bias": torch.randn(3),
    "steps": torch.tensor([3, -4], dtype=torch.int64),
    "mask": torch.tensor([True, False, True]),
    "pixels": torch.tensor([[1, 2, 3]], dtype=torch.uint8),
    "half": torch.randn(2).half(),
    "double": torch.randn(2).double(),
    "int32": torch.tensor([7, -8], dtype=torch.int32),
    "scalar": torch.tensor(2.25),
    "empty": torch.zeros(0, 4),
}
order = sorted(st, key=lambda k: (-DTYPES[st[k].dtype][1], k))  # descending dtype rank, then name
header = {"__metadata__": {"format": "pt", "source": "gen_serialization.py"}}
blobs, offset = [], 0
for k in order:
    b = st[k].contiguous().numpy().tobytes() if st[k].dtype != torch.bfloat16 else None
    header[k] = {"dtype": DTYPES[st[k].dtype][0], "shape": list(st[k].shape), "data_offsets": [offset, offset + len(b)]}
    blobs.append(b)
    offset += len(b)
hb = json.dumps(header, separators=(",", ":")).encode()
hb += b" " * ((8 - len(hb) % 8) % 8)
with open(path("reference.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
expect("reference_safetensors", collections.OrderedDict(
    (k, v.float() if v.is_floating_point() else v.long() if v.dtype == torch.int32 else v) for k, v in st.items()))
cases["reference_safetensors_order"] = {"keys": order}


# ---------------------------------------------------------------- malicious files (never loaded here)
class Pwn:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


CMD = "touch lumen_pwned_marker"
torch.save(Pwn(os.system, CMD), path("malicious_posix_system.pth"))
evil_sd = collections.OrderedDict([("weight", torch.ones(2)), ("bias", Pwn(eval, "__import__('os').system('" + CMD + "')"))])
torch.save(evil_sd, path("malicious_eval.pth"))
with open(path("malicious_raw.pkl"), "wb") as f:
    pickle.dump(Pwn(os.system, CMD), f, protocol=2)

with open(os.path.join(DIR, "expected.json"), "w") as f:
    json.dump(cases, f, separators=(",", ":"))
print("wrote", DIR, sorted(os.listdir(DIR)))
