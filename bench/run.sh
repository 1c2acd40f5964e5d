#!/usr/bin/env bash
# Builds the benchmarks in Release and runs the Lumen-vs-PyTorch SGEMM comparison (2 threads each, same run).
# Extra arguments go to the compare mode, e.g. `bench/run.sh --rounds 5`.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Lumen.Bench/Lumen.Bench.csproj -c Release -v quiet -nologo
dotnet bench/Lumen.Bench/bin/Release/net10.0/Lumen.Bench.dll --compare "$@"
