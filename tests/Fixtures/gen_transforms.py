"""Golden values for Lumen.Data (samplers, random_split, DataLoader order) and Lumen.Vision (transforms, MNIST sums).

Run with Debian's PyTorch 1.13 / torchvision 0.14 / PIL 9.4 (see generate.sh). Writes data/transforms.json (images are
uint8 tensors: inputs HWC, outputs CHW as torchvision's PILToTensor gives them) and data/data.json."""
import gzip
import os

import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from PIL import Image
from torch.utils.data import (BatchSampler, DataLoader, RandomSampler, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler, random_split)

from common import save, t

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def u8(img):
    """A PIL image as a CHW uint8 tensor (torchvision's pil_to_tensor)."""
    return t(TF.pil_to_tensor(img))


def hwc(img):
    return t(torch.from_numpy(np.array(img).copy()))


rs = np.random.RandomState(0)
noise = Image.fromarray(rs.randint(0, 256, size=(29, 37, 3), dtype=np.uint8), "RGB")
yy, xx = np.mgrid[0:40, 0:50]
grad = Image.fromarray(np.stack([(xx * 5) % 256, (yy * 6) % 256, ((xx + yy) * 3) % 256], -1).astype(np.uint8), "RGB")
gray = Image.fromarray(rs.randint(0, 256, size=(31, 23), dtype=np.uint8), "L")
square = Image.fromarray(rs.randint(0, 256, size=(16, 16, 3), dtype=np.uint8), "RGB")
inputs = {"noise": noise, "grad": grad, "gray": gray, "square": square}

cases = {"inputs": {k: hwc(v) for k, v in inputs.items()}}


def det(name, src, fn):
    cases[name] = {"input": src, "out": u8(fn(inputs[src]))}


# ---- deterministic transforms
det("resize_bilinear_down", "noise", T.Resize((13, 17)))
det("resize_bilinear_up", "noise", T.Resize((50, 61)))
det("resize_bilinear_mixed", "grad", T.Resize((23, 71)))
det("resize_int", "grad", T.Resize(20))
det("resize_gray", "gray", T.Resize((11, 40)))
det("resize_bicubic", "noise", T.Resize((20, 15), interpolation=T.InterpolationMode.BICUBIC))
det("resize_nearest_down", "noise", T.Resize((13, 17), interpolation=T.InterpolationMode.NEAREST))
det("resize_nearest_up", "noise", T.Resize((50, 61), interpolation=T.InterpolationMode.NEAREST))
det("center_crop", "noise", T.CenterCrop((20, 15)))
det("center_crop_even", "grad", T.CenterCrop(21))
det("center_crop_big", "noise", T.CenterCrop((40, 44)))
for mode in ["constant", "edge", "reflect", "symmetric"]:
    det("pad_" + mode, "noise", lambda im, m=mode: TF.pad(im, [3, 2, 4, 5], fill=7, padding_mode=m))
det("hflip", "noise", TF.hflip)
det("vflip", "noise", TF.vflip)
det("grayscale1", "noise", T.Grayscale(1))
det("grayscale3", "grad", T.Grayscale(3))
det("rotate_33", "noise", lambda im: TF.rotate(im, 33.3))
det("rotate_m120", "grad", lambda im: TF.rotate(im, -120.0))
det("rotate_90_square", "square", lambda im: TF.rotate(im, 90.0))
det("rotate_90_rect", "noise", lambda im: TF.rotate(im, 90.0))
det("affine", "noise", lambda im: TF.affine(im, angle=20.0, translate=[2, -3], scale=1.2, shear=[10.0, 5.0]))
det("affine_scale_only", "grad", lambda im: TF.affine(im, angle=0.0, translate=[0, 0], scale=0.7, shear=[0.0, 0.0]))
det("brightness_07", "noise", lambda im: TF.adjust_brightness(im, 0.7))
det("brightness_16", "noise", lambda im: TF.adjust_brightness(im, 1.6))
det("contrast_05", "grad", lambda im: TF.adjust_contrast(im, 0.5))
det("contrast_18", "noise", lambda im: TF.adjust_contrast(im, 1.8))
det("saturation_03", "noise", lambda im: TF.adjust_saturation(im, 0.3))
det("saturation_19", "grad", lambda im: TF.adjust_saturation(im, 1.9))
det("hue_02", "noise", lambda im: TF.adjust_hue(im, 0.2))
det("hue_m03", "grad", lambda im: TF.adjust_hue(im, -0.3))

mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
cases["to_tensor_normalize"] = {"input": "noise", "to_tensor": t(TF.to_tensor(noise)),
                                "normalized": t(T.Normalize(mean, std)(TF.to_tensor(noise))), "mean": mean, "std": std}
cases["dogcat_pipeline"] = {"input": "grad", "out": t(T.Compose([T.Resize(24), T.ToTensor(), T.Normalize(mean, std)])(grad))}


# ---- random transforms under a seed: successive outputs
def rnd(name, src, seed, make, times=3, tensor_input=False):
    torch.manual_seed(seed)
    tr = make()
    x = inputs[src]
    outs = []
    for _ in range(times):
        y = tr(TF.to_tensor(x) if tensor_input else x)
        outs.append(t(y) if isinstance(y, torch.Tensor) else u8(y))
    cases[name] = {"input": src, "seed": seed, "outs": outs, "after": t(torch.rand(2))}


rnd("random_crop_reflect", "noise", 1, lambda: T.RandomCrop((20, 15), padding=4, padding_mode="reflect"))
rnd("random_crop_pad_if_needed", "gray", 11, lambda: T.RandomCrop((35, 30), pad_if_needed=True, fill=9))
rnd("random_crop_tensor", "noise", 12, lambda: T.RandomCrop(17, padding=2), tensor_input=True)
rnd("random_hflip", "noise", 2, lambda: T.RandomHorizontalFlip(), times=8)
rnd("random_vflip_tensor", "noise", 22, lambda: T.RandomVerticalFlip(0.3), times=6, tensor_input=True)
rnd("random_resized_crop", "grad", 3, lambda: T.RandomResizedCrop(24))
rnd("random_resized_crop_narrow", "noise", 13, lambda: T.RandomResizedCrop((16, 20), scale=(0.9, 1.0), ratio=(3.0, 4.0)))
rnd("random_rotation", "noise", 4, lambda: T.RandomRotation(45))
rnd("random_affine", "noise", 5, lambda: T.RandomAffine(30, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10))
rnd("color_jitter", "noise", 6, lambda: T.ColorJitter(0.4, 0.4, 0.4, 0.1))
rnd("color_jitter_grad", "grad", 16, lambda: T.ColorJitter(brightness=0.5, hue=0.3))
rnd("random_erasing", "noise", 7, lambda: T.RandomErasing(p=1.0), tensor_input=True)
rnd("random_erasing_random", "noise", 8, lambda: T.RandomErasing(p=0.7, value="random"), times=4, tensor_input=True)

# ---- MNIST: expected values computed straight from the .gz files with gzip + numpy.
mn = {}
for split, prefix in [("train", "train"), ("test", "t10k")]:
    with gzip.open(os.path.join(REPO, "data", "mnist", f"{prefix}-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    img = np.frombuffer(raw, dtype=np.uint8, offset=16)
    with gzip.open(os.path.join(REPO, "data", "mnist", f"{prefix}-labels-idx1-ubyte.gz")) as f:
        lab = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    img = img.reshape(-1, 28, 28)
    mn[split] = {"count": int(img.shape[0]), "pixel_sum": int(img.astype(np.int64).sum()),
                 "first_labels": [int(v) for v in lab[:10]], "label_counts": [int((lab == k).sum()) for k in range(10)],
                 "first_image_sums": [int(img[i].astype(np.int64).sum()) for i in range(5)],
                 "last_image_sum": int(img[-1].astype(np.int64).sum())}
cases["mnist"] = mn

save("transforms", cases)

# ---- torch.utils.data
d = {}
torch.manual_seed(0)
d["seed_draw"] = {"value": int(torch.empty((), dtype=torch.int64).random_().item())}
torch.manual_seed(0)
d["random_sampler_seed0"] = {"epoch1": list(RandomSampler(range(10))), "epoch2": list(RandomSampler(range(10))), "after": t(torch.rand(2))}
g = torch.Generator().manual_seed(42)
d["random_sampler_generator"] = {"order": list(RandomSampler(range(13), generator=g))}
torch.manual_seed(3)
d["random_sampler_replacement"] = {"order": list(RandomSampler(range(7), replacement=True, num_samples=40)), "after": t(torch.rand(2))}
torch.manual_seed(4)
d["random_sampler_num_samples"] = {"order": list(RandomSampler(range(10), num_samples=25)), "after": t(torch.rand(2))}
torch.manual_seed(5)
d["subset_random_sampler"] = {"order": list(SubsetRandomSampler(list(range(10, 20))))}
torch.manual_seed(6)
d["batch_sampler"] = {"batches": list(BatchSampler(RandomSampler(range(11)), 4, drop_last=False)),
                      "batches_drop": list(BatchSampler(RandomSampler(range(11)), 4, drop_last=True))}
w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
g = torch.Generator().manual_seed(1)
d["weighted_replacement"] = {"weights": w, "order": list(WeightedRandomSampler(w, 20, replacement=True, generator=g))}
g = torch.Generator().manual_seed(2)
d["weighted_no_replacement"] = {"weights": w, "order": list(WeightedRandomSampler(w, 4, replacement=False, generator=g))}
g = torch.Generator().manual_seed(3)
d["weighted_one"] = {"weights": w, "order": [list(WeightedRandomSampler(w, 1, generator=g)) for _ in range(5)]}
torch.manual_seed(0)
d["random_split_lengths"] = {"splits": [list(s.indices) for s in random_split(range(10), [3, 7])]}
d["random_split_fractions"] = {"splits": [list(s.indices) for s in random_split(range(31), [0.3, 0.3, 0.4], generator=torch.Generator().manual_seed(42))]}
torch.manual_seed(0)
ds = TensorDataset(torch.arange(23))
loader = DataLoader(ds, batch_size=5, shuffle=True)
d["dataloader_shuffle"] = {"epoch1": [b[0].tolist() for b in loader], "epoch2": [b[0].tolist() for b in loader], "after": t(torch.rand(2))}
torch.manual_seed(0)
loader = DataLoader(ds, batch_size=5, shuffle=False, drop_last=True)
d["dataloader_sequential"] = {"epoch1": [b[0].tolist() for b in loader], "after": t(torch.rand(2))}
g = torch.Generator().manual_seed(9)
loader = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
d["dataloader_generator"] = {"epoch1": [b[0].tolist() for b in loader]}
save("data", d)
