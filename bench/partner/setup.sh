#!/usr/bin/env bash
# Builds the libtorch 2.10 partner (TorchSharp-cpu 0.107) with Lumen's additions, in ${TSBENCH_DIR:-/tmp/tsbench}:
# copies ../shared/bench/torchsharp (read-only; found beside the project or at $LUMEN_SHARED_TORCHSHARP), adds
#   ConvNet.cs       seed 001's ConvNet and the case convnet_seed001_b512_adam (batch 512, Adam), as Lumen.Bench's;
#   ConvLayers.cs    the --conv-layers mode (forward / input grad / weight grad per convolution shape),
# patches Program.cs for both (Program.cs.patch: two added lines; fails loudly if the shared copy changed), and builds
# (Release). The partner stays a measuring tool: nothing in src/ or tests/ refers to it.
#   bench/partner/setup.sh          then: bench/run.sh --models | --conv-layers | (SGEMM) show a libtorch column
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${LUMEN_SHARED_TORCHSHARP:-$here/../../../shared/bench/torchsharp}"
dir="${TSBENCH_DIR:-/tmp/tsbench}"
[[ -f "$shared/Program.cs" ]] || { echo "partner sources not found at $shared (set LUMEN_SHARED_TORCHSHARP)" >&2; exit 2; }
mkdir -p "$dir/tools"
cp "$shared"/Models.cs "$shared"/Program.cs "$shared"/tsbench.csproj "$dir"/
cp "$shared"/tools/weaken_glibcxx.py "$dir"/tools/
cp "$here"/ConvNet.cs "$here"/ConvLayers.cs "$dir"/
patch --quiet --forward -p1 -d "$dir" < "$here"/Program.cs.patch
dotnet build "$dir" -c Release -v quiet -nologo
echo "built: dotnet $dir/bin/Release/net10.0/tsbench.dll --help (cases include convnet_seed001_b512_adam; --conv-layers)"
