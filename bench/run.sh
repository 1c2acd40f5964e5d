#!/usr/bin/env bash
# Builds the benchmarks in Release and runs Lumen against its two partners in the same run (2 threads each):
# PyTorch 1.13 (Debian's, OpenBLAS; /usr/bin/python3 + bench/pytorch_*.py) and libtorch 2.10 (TorchSharp-cpu 0.107,
# oneDNN + oneMKL; built by bench/partner/setup.sh at $TSBENCH_DIR, default /tmp/tsbench; "n/a" with a how-to line
# when missing). Ratios are Lumen against the faster partner. See docs/performance.md, "Three-way benchmarks".
#   bench/run.sh                 SGEMM table, 1024³ and 2048³, with % of FMA peak (options: --rounds 3 --threads 2)
#   bench/run.sh --models        the seeds' CNNs, ResNet-18, VGG-16, seed 001's ConvNet (b512, Adam): training images/s,
#                                ratio, allocation per step, peak RSS per case
#                                (options: --rounds 3 --windows 5 --threads 2 --only convnet --no-scope)
#   bench/run.sh --conv-layers   the convolutions pass by pass (forward, input grad, weight grad) with % of FMA peak
#                                (options: --threads 2 --reps 7 --only r18 --best --clock-ghz X --fma-units N)
#   bench/run.sh --data          seed 003's birds-vs-airplanes and seed 001's CIFAR-10 epochs from the JPEG folders, end to
#                                end, first epoch apart (options: --epochs 2 --limit N --only birds --workers 2 --root DIR)
# Every mode takes --isa sse|avx2|native: Lumen under DOTNET_EnableAVX2=0 (sse) / DOTNET_EnableAVX512=0 (avx2), the
# partners under ONEDNN_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS, ATEN_CPU_CAPABILITY (and OPENBLAS_CORETYPE) to match.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Lumen.Bench/Lumen.Bench.csproj -c Release -v quiet -nologo >&2
mode=--compare
for a in "$@"; do
  case "$a" in --models|--conv-layers|--data) mode="" ;; esac
done
exec dotnet bench/Lumen.Bench/bin/Release/net10.0/Lumen.Bench.dll $mode "$@"
