"""Loads a .pth written by Lumen in PyTorch and prints what it finds (a manual interoperability check, not a test
dependency).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/check_lumen_pth.py FILE.pth [...]

The test Pth_for_the_PyTorch_check_script_round_trips_in_Lumen writes
<tmp>/lumen-serialization-check/lumen_written.pth (a state dict; beside it lumen_written.pth.json, the shape, dtype,
strides, storage offset and SHA-256 of the row-major bytes of every tensor as Lumen sees them) and lumen_nested.pth
(a checkpoint dict). For each file this script loads it with torch.load (and again with weights_only=True, PyTorch's
restricted loader), prints every key with shape/dtype/stride/sum/SHA-256, and, when a sidecar .json exists, compares
against it and exits non-zero on any mismatch.
"""
import hashlib
import json
import os
import sys

import torch


def sha(t):
    return hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest()


def show(prefix, obj, out):
    if isinstance(obj, torch.Tensor):
        s = float(obj.double().sum()) if obj.numel() and obj.dtype != torch.bool else float(obj.sum()) if obj.numel() else 0.0
        print(f"{prefix}: {str(obj.dtype):13} shape={list(obj.shape)} stride={list(obj.stride())} "
              f"offset={obj.storage_offset()} sum={s!r} sha256={sha(obj)[:16]}…")
        out[prefix] = obj
    elif isinstance(obj, dict):
        print(f"{prefix}: {type(obj).__name__} with {len(obj)} keys")
        for k, v in obj.items():
            show(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        print(f"{prefix}: {obj!r}")


def check(path):
    ok = True
    obj = torch.load(path)
    try:
        safe = torch.load(path, weights_only=True)
        print(f"== {path}: torch.load and torch.load(weights_only=True) both succeeded")
    except Exception as e:
        if "Unsupported operand 71" not in str(e):
            raise
        # PyTorch 1.13's restricted unpickler has no BINFLOAT ('G'): it refuses any checkpoint holding a Python
        # float, its own torch.save output included (e.g. an optimizer's lr), so this is not a Lumen problem.
        safe = obj
        print(f"== {path}: torch.load succeeded; weights_only=True refused the float values (PyTorch 1.13 has no "
              f"BINFLOAT in its weights-only unpickler, and refuses its own files with floats the same way)")
    tensors = {}
    show("", obj, tensors)
    show_quiet = {}
    def collect(prefix, o):
        if isinstance(o, torch.Tensor):
            show_quiet[prefix] = o
        elif isinstance(o, dict):
            for k, v in o.items():
                collect(f"{prefix}.{k}" if prefix else str(k), v)
    collect("", safe)
    for k, t in tensors.items():
        if not torch.equal(t, show_quiet[k]) and not (t.is_floating_point() and torch.equal(t.isnan(), show_quiet[k].isnan())):
            print(f"MISMATCH {k}: weights_only load differs"); ok = False
    side = path + ".json"
    if os.path.exists(side):
        expected = json.load(open(side))
        for k, e in expected.items():
            t = tensors.get(k)
            if t is None:
                print(f"MISMATCH {k}: missing"); ok = False; continue
            got = {"shape": list(t.shape), "dtype": str(t.dtype), "stride": list(t.stride()), "offset": t.storage_offset(), "sha256": sha(t)}
            for f, v in got.items():
                if e[f] != v:
                    print(f"MISMATCH {k}.{f}: Lumen {e[f]} vs PyTorch {v}"); ok = False
        if isinstance(obj, dict):
            a, b = obj.get("fc.weight"), obj.get("fc.weight_t")
            if a is not None and b is not None:
                shared = a.storage().data_ptr() == b.storage().data_ptr()
                print(f"fc.weight and fc.weight_t share one storage in PyTorch: {shared}")
                ok = ok and shared
        print(f"sidecar {side}: {len(expected)} tensors compared, {'all match' if ok else 'MISMATCHES above'}")
    return ok


if __name__ == "__main__":
    paths = sys.argv[1:]
    if not paths:
        sys.exit(__doc__)
    sys.exit(0 if all([check(p) for p in paths]) else 1)
