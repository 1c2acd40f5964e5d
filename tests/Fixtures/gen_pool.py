"""Golden values for pooling, max unpooling and interpolation (tests/Lumen.Tests/NN/Pooling, NN/Upsampling).

Each case stores the input "x", the forward output "out", the argmax "idx" (max pools with indices), PyTorch's
grad_fn name, a fixed random upstream gradient "g" and the input gradient "gx". Configurations are the odd ones:
asymmetric kernels/strides, ceil mode with padding (windows cut by the rule that the last window must start inside the
input or the left padding), dilation, ties (integer-valued inputs: the gradient goes to the first maximum), NaN/-inf,
count_include_pad=False, divisor_override, 1-d/3-d, unbatched inputs, adaptive pools with non-divisible sizes,
nearest/bilinear with non-integer scale factors and both align_corners. "reprs" holds module reprs.
Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_pool.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import save, seeded, t

seeded(20240602)
cases = {}


def case(name, fn, x, indices=False):
    xr = x.clone().requires_grad_(True)
    r = fn(xr)
    out, idx = (r if indices else (r, None))
    c = {"x": t(x), "out": t(out), "grad_fn": out.grad_fn.name()}
    if idx is not None:
        c["idx"] = t(idx)
    g = torch.randn(out.shape)
    out.backward(g)
    c["g"] = t(g)
    c["gx"] = t(xr.grad)
    assert name not in cases, name
    cases[name] = c


def ints(*shape, hi=4):
    """Small integers: many ties inside each window."""
    return torch.randint(0, hi, shape).float()


# ------------------------------------------------------------------ max pool
case("mp2d_basic", lambda x: F.max_pool2d(x, 2, return_indices=True), torch.randn(2, 3, 6, 6), True)
case("mp2d_asym", lambda x: F.max_pool2d(x, (2, 3), (1, 2), (1, 1), return_indices=True), torch.randn(2, 2, 7, 9), True)
case("mp2d_ceil_pad", lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True), torch.randn(1, 2, 7, 8), True)
case("mp2d_ceil_nopad", lambda x: F.max_pool2d(x, 2, ceil_mode=True, return_indices=True), torch.randn(1, 2, 5, 9), True)
case("mp2d_dilation", lambda x: F.max_pool2d(x, 3, 2, 1, dilation=2, return_indices=True), torch.randn(1, 2, 9, 10), True)
case("mp2d_dil_ceil", lambda x: F.max_pool2d(x, (2, 3), (3, 2), (1, 1), dilation=(2, 3), ceil_mode=True, return_indices=True),
     torch.randn(1, 1, 10, 11), True)
case("mp2d_ties", lambda x: F.max_pool2d(x, 2, return_indices=True), ints(2, 2, 6, 6), True)
case("mp2d_ties_overlap", lambda x: F.max_pool2d(x, 3, 1, 1, return_indices=True), ints(1, 2, 5, 6), True)
case("mp2d_unbatched", lambda x: F.max_pool2d(x, 2, return_indices=True), torch.randn(3, 8, 8), True)
case("mp2d_fast", lambda x: F.max_pool2d(x, 2, 2, return_indices=True), torch.randn(2, 3, 28, 28), True)
case("mp2d_fast_odd", lambda x: F.max_pool2d(x, 2, 2, return_indices=True), torch.randn(2, 3, 15, 15), True)
case("mp2d_fast_ties", lambda x: F.max_pool2d(x, 2, 2, return_indices=True), ints(2, 2, 8, 40, hi=3), True)
special = torch.randn(1, 2, 6, 20)
special[0, 0, 0:2, 0:2] = float("-inf")
special[0, 0, 2:4, 16:18] = float("-inf")
special[0, 1, 1, 1] = float("nan")
special[0, 1, 0, 17] = float("nan")
special[0, 1, 1, 16] = float("nan")
c = {"x": t(special)}
v, i = F.max_pool2d(special, 2, return_indices=True)
c["out"], c["idx"] = t(v), t(i)
v, i = F.max_pool2d(special, 3, 2, 1, return_indices=True)
c["out_generic"], c["idx_generic"] = t(v), t(i)
cases["mp2d_special"] = c
case("mp1d", lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True, return_indices=True), torch.randn(2, 3, 12), True)
case("mp1d_unbatched", lambda x: F.max_pool1d(x, 2, return_indices=True), torch.randn(3, 10), True)
case("mp1d_dilation", lambda x: F.max_pool1d(x, 2, 1, 1, dilation=3, return_indices=True), torch.randn(2, 2, 11), True)
case("mp3d", lambda x: F.max_pool3d(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceil_mode=True, return_indices=True), torch.randn(1, 2, 5, 6, 7), True)
case("mp3d_basic", lambda x: F.max_pool3d(x, 2, return_indices=True), torch.randn(2, 2, 4, 4, 4), True)
case("mp3d_unbatched", lambda x: F.max_pool3d(x, (1, 2, 2), return_indices=True), torch.randn(2, 3, 5, 6), True)
case("mp3d_dilation", lambda x: F.max_pool3d(x, 2, 1, 1, dilation=2, return_indices=True), torch.randn(1, 1, 5, 5, 6), True)
case("mp3d_ties", lambda x: F.max_pool3d(x, 2, 1, return_indices=True), ints(1, 2, 3, 4, 4, hi=2), True)

# ------------------------------------------------------------------ max unpool
xu = torch.randn(2, 2, 6, 6)
_, iu = F.max_pool2d(xu, 2, return_indices=True)
case("unpool2d", lambda v: F.max_unpool2d(v, iu, 2), F.max_pool2d(xu, 2))
cases["unpool2d"]["idx"] = t(iu)
xu7 = torch.randn(2, 2, 6, 7)
_, iu7 = F.max_pool2d(xu7, 2, return_indices=True)
case("unpool2d_size", lambda v: F.max_unpool2d(v, iu7, 2, output_size=(6, 7)), F.max_pool2d(xu7, 2))
cases["unpool2d_size"]["idx"] = t(iu7)
xu1 = torch.randn(2, 3, 9)
_, iu1 = F.max_pool1d(xu1, 3, 2, return_indices=True)
case("unpool1d", lambda v: F.max_unpool1d(v, iu1, 3, 2), F.max_pool1d(xu1, 3, 2))
cases["unpool1d"]["idx"] = t(iu1)
xu3 = torch.randn(1, 2, 4, 4, 6)
_, iu3 = F.max_pool3d(xu3, 2, return_indices=True)
case("unpool3d", lambda v: F.max_unpool3d(v, iu3, 2), F.max_pool3d(xu3, 2))
cases["unpool3d"]["idx"] = t(iu3)

# ------------------------------------------------------------------ average pool
case("ap2d_basic", lambda x: F.avg_pool2d(x, 2), torch.randn(2, 3, 6, 6))
case("ap2d_pad_ceil", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), torch.randn(1, 2, 7, 8))
case("ap2d_pad_ceil_noinc", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), torch.randn(1, 2, 7, 8))
case("ap2d_ceil_edge", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), torch.randn(1, 1, 6, 6))
case("ap2d_divisor", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, divisor_override=5), torch.randn(1, 2, 7, 8))
case("ap2d_asym", lambda x: F.avg_pool2d(x, (2, 3), (1, 2), (1, 0)), torch.randn(2, 2, 5, 9))
case("ap2d_unbatched", lambda x: F.avg_pool2d(x, 2, count_include_pad=False), torch.randn(3, 6, 5))
case("ap1d", lambda x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), torch.randn(2, 3, 12))
case("ap1d_basic", lambda x: F.avg_pool1d(x, 2), torch.randn(3, 9))
case("ap3d", lambda x: F.avg_pool3d(x, (2, 3, 2), (2, 2, 1), (1, 1, 0), ceil_mode=True), torch.randn(1, 2, 5, 6, 7))
case("ap3d_noinc", lambda x: F.avg_pool3d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), torch.randn(1, 1, 6, 5, 6))
case("ap3d_divisor", lambda x: F.avg_pool3d(x, 2, 1, 1, divisor_override=3), torch.randn(2, 4, 4, 4))

# ------------------------------------------------------------------ adaptive pools
case("aap2d", lambda x: F.adaptive_avg_pool2d(x, (3, 4)), torch.randn(2, 3, 7, 9))
case("aap2d_up", lambda x: F.adaptive_avg_pool2d(x, (5, 11)), torch.randn(1, 2, 3, 7))
case("aap2d_one", lambda x: F.adaptive_avg_pool2d(x, 1), torch.randn(2, 3, 5, 4))
case("aap2d_unbatched", lambda x: F.adaptive_avg_pool2d(x, 4), torch.randn(3, 10, 7))
case("aap1d", lambda x: F.adaptive_avg_pool1d(x, 4), torch.randn(2, 3, 10))
case("aap3d", lambda x: F.adaptive_avg_pool3d(x, (2, 3, 4)), torch.randn(1, 2, 5, 7, 6))
case("aap3d_one", lambda x: F.adaptive_avg_pool3d(x, 1), torch.randn(2, 3, 3, 4))
case("amp2d", lambda x: F.adaptive_max_pool2d(x, (3, 4), return_indices=True), torch.randn(2, 3, 7, 9), True)
case("amp2d_ties", lambda x: F.adaptive_max_pool2d(x, (4, 3), return_indices=True), ints(1, 2, 9, 7), True)
case("amp2d_unbatched", lambda x: F.adaptive_max_pool2d(x, 3, return_indices=True), torch.randn(2, 5, 8), True)
case("amp1d", lambda x: F.adaptive_max_pool1d(x, 4, return_indices=True), torch.randn(2, 3, 10), True)
case("amp3d", lambda x: F.adaptive_max_pool3d(x, (2, 3, 4), return_indices=True), torch.randn(1, 2, 5, 7, 6), True)

# ------------------------------------------------------------------ interpolate
case("near2d_x2", lambda x: F.interpolate(x, scale_factor=2), torch.randn(1, 2, 3, 4))
case("near2d_size", lambda x: F.interpolate(x, size=(5, 7)), torch.randn(1, 2, 3, 4))
case("near2d_scale", lambda x: F.interpolate(x, scale_factor=(1.5, 2.3)), torch.randn(2, 1, 4, 3))
case("near2d_down", lambda x: F.interpolate(x, size=(3, 2)), torch.randn(1, 2, 7, 5))
case("near1d_scale", lambda x: F.interpolate(x, scale_factor=1.7), torch.randn(2, 2, 5))
case("near1d_recompute", lambda x: F.interpolate(x, scale_factor=1.7, recompute_scale_factor=True), torch.randn(2, 2, 5))
# PyTorch 1.13 quirk: the generic nearest forward kernel ignores the same-size and 2x shortcuts that backward and the
# channels-last forward kernel (taken for contiguous one-channel inputs) apply.
case("near1d_x21", lambda x: F.interpolate(x, scale_factor=2.1), torch.randn(1, 2, 3))
case("near1d_same", lambda x: F.interpolate(x, scale_factor=1.1), torch.randn(1, 2, 4))
case("near2d_x21", lambda x: F.interpolate(x, scale_factor=(1.1, 2.1)), torch.randn(1, 2, 4, 3))
case("near2d_x21_c1", lambda x: F.interpolate(x, scale_factor=(1.1, 2.1)), torch.randn(2, 1, 4, 3))
case("near3d_x21", lambda x: F.interpolate(x, scale_factor=(2.1, 1.1, 1)), torch.randn(1, 2, 3, 4, 2))
case("near3d_x21_c1", lambda x: F.interpolate(x, scale_factor=(2.1, 1.1, 1)), torch.randn(1, 1, 3, 4, 2))
case("near3d", lambda x: F.interpolate(x, scale_factor=(2, 1.5, 0.5)), torch.randn(1, 2, 2, 3, 6))
case("nearx2d_scale", lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest-exact"), torch.randn(1, 2, 4, 5))
case("nearx2d_size", lambda x: F.interpolate(x, size=(3, 8), mode="nearest-exact"), torch.randn(1, 2, 7, 5))
for ac in (False, True):
    s = "ac" if ac else "noac"
    case(f"bil_x2_{s}", lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=ac), torch.randn(1, 2, 3, 4))
    case(f"bil_size_{s}", lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=ac), torch.randn(2, 1, 3, 4))
    case(f"bil_scale_{s}", lambda x: F.interpolate(x, scale_factor=(1.5, 2.3), mode="bilinear", align_corners=ac), torch.randn(1, 2, 4, 3))
    case(f"bil_down_{s}", lambda x: F.interpolate(x, size=(2, 3), mode="bilinear", align_corners=ac), torch.randn(1, 2, 5, 7))
    case(f"bil_scale06_{s}", lambda x: F.interpolate(x, scale_factor=0.6, mode="bilinear", align_corners=ac), torch.randn(1, 1, 7, 9))
    case(f"lin1d_{s}", lambda x: F.interpolate(x, scale_factor=2.5, mode="linear", align_corners=ac), torch.randn(2, 2, 4))
    case(f"tri3d_{s}", lambda x: F.interpolate(x, size=(3, 4, 5), mode="trilinear", align_corners=ac), torch.randn(1, 2, 2, 3, 3))
case("bil_same", lambda x: F.interpolate(x, scale_factor=(1.1, 1.7), mode="bilinear"), torch.randn(1, 2, 4, 3))
case("bil_recompute", lambda x: F.interpolate(x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True), torch.randn(1, 1, 4, 5))

# ------------------------------------------------------------------ module reprs
reprs = {
    "MaxPool2d(2, 2)": nn.MaxPool2d(2, 2),
    "MaxPool2d(3, 2, 1, ceil)": nn.MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    "MaxPool2d asym": nn.MaxPool2d((2, 3), (1, 2), (1, 0), dilation=(2, 1)),
    "MaxPool1d(2)": nn.MaxPool1d(2),
    "MaxPool3d((1,2,2))": nn.MaxPool3d((1, 2, 2)),
    "AvgPool2d(2, 2)": nn.AvgPool2d(2, 2),
    "AvgPool2d asym": nn.AvgPool2d((2, 3), (1, 2), (1, 0), ceil_mode=True, count_include_pad=False, divisor_override=3),
    "AvgPool1d(2)": nn.AvgPool1d(2),
    "AvgPool3d(2)": nn.AvgPool3d(2),
    "AdaptiveAvgPool2d((1,1))": nn.AdaptiveAvgPool2d((1, 1)),
    "AdaptiveAvgPool2d(7)": nn.AdaptiveAvgPool2d(7),
    "AdaptiveAvgPool1d(3)": nn.AdaptiveAvgPool1d(3),
    "AdaptiveAvgPool3d((2,3,4))": nn.AdaptiveAvgPool3d((2, 3, 4)),
    "AdaptiveMaxPool2d(3)": nn.AdaptiveMaxPool2d(3),
    "MaxUnpool2d(2, 2)": nn.MaxUnpool2d(2, 2),
    "MaxUnpool1d(2)": nn.MaxUnpool1d(2),
    "MaxUnpool3d(2)": nn.MaxUnpool3d(2),
    "Upsample(x2)": nn.Upsample(scale_factor=2),
    "Upsample(size=4)": nn.Upsample(size=4),
    "Upsample(size=(3,4))": nn.Upsample(size=(3, 4)),
    "Upsample(x1.5 bilinear ac)": nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True),
    "Upsample((2,1.5))": nn.Upsample(scale_factor=(2, 1.5)),
    "Upsample(1e-5)": nn.Upsample(scale_factor=1e-5),
    "UpsamplingNearest2d(x2)": nn.UpsamplingNearest2d(scale_factor=2),
    "UpsamplingBilinear2d(x2)": nn.UpsamplingBilinear2d(scale_factor=2),
    "UpsamplingNearest2d(size=3)": nn.UpsamplingNearest2d(size=3),
    "Sequential": nn.Sequential(nn.MaxPool2d(2), nn.AdaptiveAvgPool2d((1, 1))),
}
cases["reprs"] = {k: repr(v) for k, v in reprs.items()}

save("pool", cases)
