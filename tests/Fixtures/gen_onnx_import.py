"""Fixtures for the ONNX import (issue 18): PyTorch's parameter count for the network that
`lumen train --model resnet18-cntk-imagenet` builds (CNTK's ImageNet ResNet-18 from the NuGet package
Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 is torchvision's ResNet with BasicBlock and [2, 2, 2, 3] blocks;
the zoo entry adds a Linear(512, classes) head), and what onnx 1.12's checker says of the package's two files
when the NuGet cache holds them (the
ResNet-18 file fails it: IR 3 requires initializers among the graph inputs, which CNTK did not write; ONNX Runtime
and Lumen read it).

Writes tests/Fixtures/data/models/cntk_resnet18.json."""
import json
import os

import torch
from torchvision.models.resnet import BasicBlock, ResNet

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "models", "cntk_resnet18.json")
PKG = os.path.expanduser(os.path.join(os.environ.get("NUGET_PACKAGES", "~/.nuget/packages"),
                                      "microsoft.ml.dnnimagefeaturizer.resnet18", "0.24.0", "tools", "DnnImageModels"))

cases = {}
for classes in (2, 1000):
    net = ResNet(BasicBlock, [2, 2, 2, 3], num_classes=classes)
    cases[f"resnet18_cntk_imagenet_{classes}"] = {
        "classes": classes,
        "total": sum(p.numel() for p in net.parameters()),
        "without_fc": sum(p.numel() for n, p in net.named_parameters() if not n.startswith("fc.")),
    }

try:
    import onnx
    checked = {}
    for rel in ("ResNet18Onnx/ResNet18.onnx", "ResNetPrepOnnx/ResNetPreprocess.onnx"):
        path = os.path.join(PKG, rel)
        if os.path.exists(path):
            m = onnx.load(path)
            try:
                onnx.checker.check_model(m)
                verdict = "passed"
            except onnx.checker.ValidationError as e:   # CNTK's IR-3 file does not list its initializers as inputs
                verdict = "failed: " + str(e).splitlines()[0]
            checked[rel] = {"checker": verdict, "ir_version": m.ir_version, "producer": f"{m.producer_name} {m.producer_version}".strip(),
                            "opset": [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0],
                            "nodes": len(m.graph.node), "initializers": len(m.graph.initializer)}
    cases["onnx_checker"] = {"onnx": onnx.__version__, "files": checked}
except ImportError:
    pass

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(cases, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", OUT)
