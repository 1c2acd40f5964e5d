#!/usr/bin/env bash
# Builds the benchmarks in Release and runs a Lumen-vs-PyTorch comparison (2 threads each, same run):
#   bench/run.sh                 SGEMM table (extra arguments go to the compare mode, e.g. --rounds 5)
#   bench/run.sh --models        the seeds' CNNs: training images/s, ratio, allocation per step, peak RSS per case
#                                (options: --rounds 3 --windows 5 --threads 2 --only mnist --no-scope)
#   bench/run.sh --conv-layers   ResNet-18 / VGG-16 convolutions pass by pass (forward, input grad, weight grad) vs PyTorch
#                                (options: --threads 2 --reps 7 --only r18)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Lumen.Bench/Lumen.Bench.csproj -c Release -v quiet -nologo >&2
if [[ "${1:-}" == "--models" || "${1:-}" == "--conv-layers" ]]; then
  dotnet bench/Lumen.Bench/bin/Release/net10.0/Lumen.Bench.dll "$@"
else
  dotnet bench/Lumen.Bench/bin/Release/net10.0/Lumen.Bench.dll --compare "$@"
fi
