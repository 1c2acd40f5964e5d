"""Runs onnx's checker on the ONNX files Lumen's exporter wrote and records the results, with each file's SHA-256, in
data/onnx_export_check.json. The export tests (tests/Lumen.Onnx.Tests/ExportZooTests.cs) check that every model they
export is recorded as passed and that today's export is byte-identical to the file checked, so any change to an
exported file needs this script again:

    LUMEN_ONNX_EXPORT_DIR=/tmp/onnx-export dotnet test tests/Lumen.Onnx.Tests -c Release --filter "FullyQualifiedName~Export"
    # (add LUMEN_ONNX_EXPORT_FULL=1 for the remaining torchvision depths)
    /usr/bin/python3 tests/Fixtures/check_onnx_export.py /tmp/onnx-export

Debian's python3-onnx 1.12: onnx.checker.check_model(model, full_check=True) checks the graph against the operator
schemas of its opset and runs strict shape inference. Entries for models not in DIR are kept (a CI-only export does not
erase the full run's records); an entry whose file is in DIR is replaced. Exits non-zero if any file fails.
"""
import hashlib
import json
import os
import sys

import onnx

from common import OUT


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.exit(__doc__)
    folder = argv[1]
    path = os.path.join(OUT, "onnx_export_check.json")
    record = {"onnx_version": onnx.__version__, "models": {}}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        if old.get("onnx_version") == onnx.__version__:
            record["models"] = old.get("models", {})
    failed = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".onnx"):
            continue
        file = os.path.join(folder, name)
        with open(file, "rb") as f:
            data = f.read()
        entry = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        try:
            model = onnx.load_from_string(data)
            onnx.checker.check_model(model, full_check=True)
            entry.update(checker="passed", opset=model.opset_import[0].version, ir_version=model.ir_version,
                         nodes=len(model.graph.node), initializers=len(model.graph.initializer))
        except Exception as e:  # the checker's ValidationError, or a protobuf that does not parse
            entry["checker"] = f"failed: {type(e).__name__}: {e}"
            failed += 1
        record["models"][name[:-len(".onnx")]] = entry
        print(f"{name}: {entry['checker']}")
    record["models"] = dict(sorted(record["models"].items()))
    with open(path, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"wrote {path}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv)
