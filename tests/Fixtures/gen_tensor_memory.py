"""Golden element order of strided views, for Tensor.CopyTo: each case is a base tensor built from
arange (so every element names its storage position), the view's op, and PyTorch's
view.contiguous() (its row-major element order), in each dtype Lumen has."""
import torch
from common import save, t

cases = {}
views = {
    "transpose": lambda x: x.view(3, 4).t(),
    "permute": lambda x: x.view(2, 3, 2).permute(2, 0, 1),
    "slice_step": lambda x: x.view(3, 4)[1:, ::2],
    "narrow_offset": lambda x: x.view(3, 4).narrow(1, 1, 2),
    "expand": lambda x: x.view(3, 4)[:, :1].expand(3, 5),
    "select_column": lambda x: x.view(3, 4).select(1, 3),
}
dtypes = {"float32": torch.float32, "int64": torch.int64, "uint8": torch.uint8}
for vname, fn in views.items():
    for dname, dt in dtypes.items():
        base = torch.arange(12).to(dt)
        cases[f"{vname}_{dname}"] = {"base": t(base), "out": t(fn(base).contiguous())}
    base = torch.arange(12) % 3 == 0
    cases[f"{vname}_bool"] = {"base": t(base), "out": t(fn(base).contiguous())}
save("tensor_memory", cases)
