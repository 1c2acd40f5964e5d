"""torchvision 0.14's published weights for the models Lumen's zoo builds: every member of their weights enums with its
URL, class count, parameter count and preprocessing. Writes data/torchvision_weights.json; the test
Weights_tables_match_torchvision compares Lumen's tables (Lumen.Vision.Models.*Weights) against it. Nothing is downloaded."""
import json
import os

import torchvision.models as M
import torchvision.models.video as V
from torchvision.models import get_model_weights

from common import OUT

BUILDERS = [(M, n) for n in ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "vgg11", "vgg11_bn", "vgg13",
                             "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]] + [(V, "r3d_18")]


def as_list(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]


def main():
    out = {}
    for mod, name in BUILDERS:
        enum = get_model_weights(getattr(mod, name))
        members = []
        for w in enum:
            kw = w.transforms.keywords
            preset = w.transforms.func(**kw)
            members.append({
                "name": w.name,
                "url": w.url,
                "num_classes": len(w.meta["categories"]) if w.meta.get("categories") else None,
                "num_params": w.meta["num_params"],
                "resize_size": as_list(preset.resize_size),
                "crop_size": as_list(preset.crop_size),
                "mean": [float(x) for x in preset.mean],
                "std": [float(x) for x in preset.std],
            })
        out[name] = {"enum": enum.__name__, "default": enum.DEFAULT.name, "members": members}
    path = os.path.join(OUT, "torchvision_weights.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
