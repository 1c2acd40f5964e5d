"""Shared helpers for the golden-fixture generators (run with Debian's PyTorch 1.13, see generate.sh).

Each generator script writes tests/Fixtures/data/<name>.json: {case_name: {key: tensor-or-value}}.
A tensor is {"shape": [...], "dtype": "float32"|"int64"|"bool"|"uint8", "data": [...]} with float32
values written as the shortest decimal that round-trips (repr of the float32 value)."""
import json
import math
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def _num(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def t(x):
    """Serialises a tensor (detached) exactly."""
    x = x.detach().contiguous()
    if x.dtype == torch.float32:
        flat = [_num(float(np.format_float_positional(v, unique=True, trim="-")) if np.isfinite(v) else float(v))
                for v in x.reshape(-1).numpy()]
        dtype = "float32"
    elif x.dtype == torch.float64:
        return t(x.float())
    elif x.dtype == torch.int64:
        flat = [int(v) for v in x.reshape(-1).tolist()]
        dtype = "int64"
    elif x.dtype == torch.bool:
        flat = [bool(v) for v in x.reshape(-1).tolist()]
        dtype = "bool"
    elif x.dtype == torch.uint8:
        flat = [int(v) for v in x.reshape(-1).tolist()]
        dtype = "uint8"
    else:
        raise TypeError(x.dtype)
    return {"shape": list(x.shape), "dtype": dtype, "data": flat}


def save(name, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(cases, f, separators=(",", ":"))
    print(f"wrote {path} ({len(cases)} cases)")


def seeded(seed=0):
    torch.manual_seed(seed)
    np.random.seed(seed)
