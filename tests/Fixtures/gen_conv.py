"""Convolutions, transposed convolutions and padding (F.pad, pad layers) against PyTorch 1.13.

Each conv case builds the nn module from `cfg` (the C# test builds the same Lumen module from it), sets its weight and
bias to fixed random values, runs a random input forward and a fixed random upstream gradient backward, and records
output, grad_fn name and the input/weight/bias gradients. Seeded-init cases record the default initial parameters
after torch.manual_seed(0); repr cases record str(module) for a set of configurations."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from common import save, t

torch.manual_seed(1234)
cases = {}

KINDS = {"Conv1d": nn.Conv1d, "Conv2d": nn.Conv2d, "Conv3d": nn.Conv3d,
         "ConvTranspose1d": nn.ConvTranspose1d, "ConvTranspose2d": nn.ConvTranspose2d, "ConvTranspose3d": nn.ConvTranspose3d}


def build(cfg):
    kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in cfg.items() if k not in ("kind", "in", "out", "kernel")}
    return KINDS[cfg["kind"]](cfg["in"], cfg["out"], tuple(cfg["kernel"]) if isinstance(cfg["kernel"], list) else cfg["kernel"], **kw)


def conv_case(name, cfg, in_shape):
    m = build(cfg)
    with torch.no_grad():
        m.weight.copy_(torch.randn_like(m.weight) * 0.5)
        if m.bias is not None:
            m.bias.copy_(torch.randn_like(m.bias))
    x = torch.randn(*in_shape, requires_grad=True)
    y = m(x)
    gy = torch.randn_like(y)
    y.backward(gy)
    c = {"cfg": cfg, "x": t(x), "w": t(m.weight), "y": t(y), "gy": t(gy), "gx": t(x.grad), "gw": t(m.weight.grad),
         "grad_fn": y.grad_fn.name()}
    if m.bias is not None:
        c["b"] = t(m.bias)
        c["gb"] = t(m.bias.grad)
    cases[name] = c


# Conv1d / Conv2d / Conv3d
conv_case("conv1d_basic", {"kind": "Conv1d", "in": 3, "out": 4, "kernel": 3}, (2, 3, 9))
conv_case("conv1d_stride_pad_dilation", {"kind": "Conv1d", "in": 2, "out": 3, "kernel": 3, "stride": 2, "padding": 2, "dilation": 2}, (2, 2, 11))
conv_case("conv1d_unbatched", {"kind": "Conv1d", "in": 3, "out": 2, "kernel": 2, "padding": 1}, (3, 7))
conv_case("conv1d_same_even_kernel", {"kind": "Conv1d", "in": 2, "out": 3, "kernel": 4, "padding": "same"}, (2, 2, 8))
conv_case("conv2d_basic", {"kind": "Conv2d", "in": 3, "out": 4, "kernel": 3}, (2, 3, 6, 5))
conv_case("conv2d_asymmetric", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": [3, 2], "stride": [2, 1], "padding": [1, 2]}, (2, 2, 7, 5))
conv_case("conv2d_dilation_groups", {"kind": "Conv2d", "in": 4, "out": 6, "kernel": 3, "dilation": [2, 1], "groups": 2, "padding": 1}, (2, 4, 7, 6))
conv_case("conv2d_depthwise", {"kind": "Conv2d", "in": 3, "out": 6, "kernel": 3, "groups": 3, "stride": 2}, (2, 3, 7, 7))
conv_case("conv2d_pointwise_groups", {"kind": "Conv2d", "in": 4, "out": 6, "kernel": 1, "groups": 2}, (2, 4, 3, 5))
conv_case("conv2d_same", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": [3, 4], "padding": "same", "dilation": [1, 2]}, (2, 2, 6, 7))
conv_case("conv2d_valid", {"kind": "Conv2d", "in": 2, "out": 2, "kernel": 3, "padding": "valid"}, (1, 2, 5, 5))
conv_case("conv2d_no_bias", {"kind": "Conv2d", "in": 3, "out": 2, "kernel": 2, "bias": False, "stride": 3}, (2, 3, 7, 8))
conv_case("conv2d_unbatched", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": 3, "padding": 1}, (2, 5, 4))
conv_case("conv2d_reflect", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": 3, "padding": [1, 2], "padding_mode": "reflect"}, (2, 2, 5, 6))
conv_case("conv2d_replicate", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": 3, "padding": 2, "stride": 2, "padding_mode": "replicate"}, (2, 2, 5, 6))
conv_case("conv2d_circular", {"kind": "Conv2d", "in": 2, "out": 3, "kernel": [3, 2], "padding": [1, 2], "padding_mode": "circular"}, (2, 2, 5, 6))
conv_case("conv2d_reflect_same_unbatched", {"kind": "Conv2d", "in": 2, "out": 2, "kernel": 4, "padding": "same", "padding_mode": "reflect"}, (2, 6, 5))
conv_case("conv3d_seed000", {"kind": "Conv3d", "in": 2, "out": 3, "kernel": [1, 2, 5], "stride": [2, 4, 3]}, (2, 2, 5, 9, 11))
conv_case("conv3d_pad_dilation_groups", {"kind": "Conv3d", "in": 4, "out": 2, "kernel": 2, "padding": [1, 0, 1], "dilation": [1, 2, 1], "groups": 2}, (2, 4, 4, 5, 4))
conv_case("conv3d_unbatched_replicate", {"kind": "Conv3d", "in": 1, "out": 2, "kernel": 3, "padding": 1, "padding_mode": "replicate"}, (1, 4, 4, 5))
conv_case("conv3d_circular", {"kind": "Conv3d", "in": 2, "out": 2, "kernel": [2, 3, 2], "padding": [1, 1, 2], "padding_mode": "circular", "bias": False}, (1, 2, 3, 4, 4))
# Transposed convolutions
conv_case("convT1d_basic", {"kind": "ConvTranspose1d", "in": 3, "out": 2, "kernel": 3, "stride": 2}, (2, 3, 5))
conv_case("convT1d_output_padding_dilation", {"kind": "ConvTranspose1d", "in": 2, "out": 4, "kernel": 3, "stride": 3, "padding": 1, "output_padding": 2, "dilation": 2, "groups": 2}, (2, 2, 4))
conv_case("convT2d_basic", {"kind": "ConvTranspose2d", "in": 3, "out": 2, "kernel": 3}, (2, 3, 4, 5))
conv_case("convT2d_stride_pad_output_padding", {"kind": "ConvTranspose2d", "in": 2, "out": 3, "kernel": [3, 2], "stride": [2, 3], "padding": [1, 0], "output_padding": [1, 2]}, (2, 2, 4, 3))
conv_case("convT2d_groups_dilation_no_bias", {"kind": "ConvTranspose2d", "in": 4, "out": 6, "kernel": 2, "groups": 2, "dilation": [2, 3], "bias": False, "stride": 2}, (2, 4, 3, 3))
conv_case("convT2d_unbatched", {"kind": "ConvTranspose2d", "in": 2, "out": 3, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1}, (2, 3, 4))
conv_case("convT3d_basic", {"kind": "ConvTranspose3d", "in": 2, "out": 2, "kernel": [2, 3, 2], "stride": [1, 2, 2], "padding": [0, 1, 0], "output_padding": [0, 1, 1]}, (2, 2, 3, 3, 4))
conv_case("convT3d_groups", {"kind": "ConvTranspose3d", "in": 4, "out": 2, "kernel": 2, "groups": 2, "stride": 2}, (1, 4, 2, 3, 2))

# ConvTranspose2d.forward(input, output_size)
m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
with torch.no_grad():
    m.weight.copy_(torch.randn_like(m.weight)); m.bias.copy_(torch.randn_like(m.bias))
x = torch.randn(1, 2, 4, 5)
cases["convT2d_output_size"] = {"x": t(x), "w": t(m.weight), "b": t(m.bias), "y": t(m(x, output_size=[8, 10])),
                                "output_size": [8, 10]}

# Seeded default initialisation
inits = {}
for name, cfg in [("conv2d_3_16_3", {"kind": "Conv2d", "in": 3, "out": 16, "kernel": 3}),
                  ("conv1d_4_6_5_no_bias", {"kind": "Conv1d", "in": 4, "out": 6, "kernel": 5, "bias": False}),
                  ("conv3d_1_8_125", {"kind": "Conv3d", "in": 1, "out": 8, "kernel": [1, 2, 5], "stride": [2, 4, 3]}),
                  ("conv2d_groups", {"kind": "Conv2d", "in": 4, "out": 8, "kernel": [3, 2], "groups": 2}),
                  ("convT2d_4_6_3_groups", {"kind": "ConvTranspose2d", "in": 4, "out": 6, "kernel": 3, "groups": 2}),
                  ("convT1d_3_2_4", {"kind": "ConvTranspose1d", "in": 3, "out": 2, "kernel": 4})]:
    torch.manual_seed(0)
    m = build(cfg)
    c = {"cfg": cfg, "weight": t(m.weight)}
    if m.bias is not None:
        c["bias"] = t(m.bias)
    cases["init_" + name] = c

# Reprs, compared as exact strings
reprs = []
for cfg in [{"kind": "Conv2d", "in": 3, "out": 16, "kernel": 3},
            {"kind": "Conv2d", "in": 32, "out": 64, "kernel": [3, 3], "stride": [1, 1]},
            {"kind": "Conv2d", "in": 3, "out": 32, "kernel": [3, 3], "stride": [1, 1], "padding": 1},
            {"kind": "Conv2d", "in": 4, "out": 8, "kernel": [3, 5], "stride": 2, "padding": [1, 2], "dilation": 2, "groups": 4, "bias": False, "padding_mode": "reflect"},
            {"kind": "Conv2d", "in": 3, "out": 4, "kernel": 3, "padding": "same"},
            {"kind": "Conv2d", "in": 3, "out": 4, "kernel": 3, "padding": "valid", "padding_mode": "circular"},
            {"kind": "Conv1d", "in": 16, "out": 33, "kernel": 3, "stride": 2},
            {"kind": "Conv1d", "in": 2, "out": 4, "kernel": 3, "padding": 2, "padding_mode": "replicate"},
            {"kind": "Conv3d", "in": 1, "out": 8, "kernel": [1, 2, 5], "stride": [2, 4, 3]},
            {"kind": "Conv3d", "in": 3, "out": 16, "kernel": [3, 3, 3], "stride": [3, 3, 3], "padding": 0},
            {"kind": "ConvTranspose2d", "in": 3, "out": 6, "kernel": 3, "stride": 2, "output_padding": 1, "groups": 3, "bias": False, "dilation": 2},
            {"kind": "ConvTranspose1d", "in": 4, "out": 2, "kernel": 5, "padding": 1},
            {"kind": "ConvTranspose3d", "in": 4, "out": 2, "kernel": [1, 2, 3]}]:
    reprs.append({"cfg": cfg, "repr": str(build(cfg))})
cases["reprs"] = {"list": reprs}

# F.pad
def pad_case(name, shape, pad, mode, value=None):
    x = torch.randn(*shape, requires_grad=True)
    y = F.pad(x, pad, mode=mode) if value is None else F.pad(x, pad, mode=mode, value=value)
    gy = torch.randn_like(y)
    y.backward(gy)
    cases[name] = {"x": t(x), "pad": list(pad), "mode": mode, "value": 0.0 if value is None else value,
                   "y": t(y), "gy": t(gy), "gx": t(x.grad), "grad_fn": y.grad_fn.name()}

pad_case("pad_constant_1d", (2, 5), (1, 2), "constant", 1.5)
pad_case("pad_constant_3dims_of_4d", (2, 2, 3, 4), (1, 0, 2, 1, 1, 1), "constant", -0.5)
pad_case("pad_constant_crop", (2, 3, 4), (-1, 2, 1, -2), "constant")
pad_case("pad_constant_all_dims", (2, 3), (1, 1, 2, 0), "constant")
pad_case("pad_reflect_1d", (2, 3, 6), (2, 3), "reflect")
pad_case("pad_reflect_2d", (2, 2, 4, 5), (1, 4, 3, 2), "reflect")
pad_case("pad_reflect_2d_unbatched", (2, 4, 5), (2, 0, 1, 3), "reflect")
pad_case("pad_reflect_3d", (1, 2, 3, 4, 3), (1, 2, 2, 1, 1, 2), "reflect")
pad_case("pad_reflect_negative", (2, 2, 6), (-1, 2), "reflect")
pad_case("pad_replicate_1d", (2, 4), (3, 1), "replicate")
pad_case("pad_replicate_2d", (2, 2, 3, 4), (2, 1, 0, 3), "replicate")
pad_case("pad_replicate_3d_unbatched", (2, 2, 3, 2), (1, 1, 2, 0, 1, 3), "replicate")
pad_case("pad_circular_1d", (2, 2, 5), (2, 3), "circular")
pad_case("pad_circular_2d", (1, 2, 4, 3), (1, 2, 3, 1), "circular")
pad_case("pad_circular_3d", (1, 1, 3, 3, 4), (1, 1, 2, 0, 1, 2), "circular")
pad_case("pad_circular_negative", (1, 2, 5), (-1, 2), "circular")
pad_case("pad_circular_negative_right", (1, 2, 5), (2, -1), "circular")

# Pad layer reprs (value passed as a float: Lumen's value is a float)
pr = []
for kind, padding, value in [("ZeroPad2d", 2, None), ("ZeroPad2d", [1, 2, 3, 4], None), ("ConstantPad1d", 2, 3.5),
                             ("ConstantPad2d", [1, 0, 2, 1], 0.0), ("ConstantPad3d", 1, -1.0), ("ConstantPad2d", 1, 1e-05),
                             ("ReflectionPad1d", 2, None), ("ReflectionPad2d", [1, 1, 2, 0], None), ("ReflectionPad3d", 1, None),
                             ("ReplicationPad1d", [1, 2], None), ("ReplicationPad2d", 1, None), ("ReplicationPad3d", [1, 2, 0, 1, 2, 2], None)]:
    cls = getattr(nn, kind)
    p = tuple(padding) if isinstance(padding, list) else padding
    mod = cls(p) if value is None else cls(p, value)
    pr.append({"kind": kind, "padding": padding, "value": value, "repr": str(mod)})
cases["pad_reprs"] = {"list": pr}

save("conv", cases)
