#!/usr/bin/env bash
# The figures of docs/distributed.md in one run: Open MPI's MPI_Allreduce (C) and Lumen's all-reduce on 1-64 MB, the
# gradient overlap on ResNet-18, and an MNIST epoch slice as 1 rank x 2 threads vs 2 ranks x 1 thread.
# Usage: bench/mpi/run.sh [MNIST_IMAGES]   (default 3000: a slice of the 60,000-image epoch; 60000 for the full one)
set -euo pipefail
cd "$(dirname "$0")/../.."
images=${1:-3000}
mpi=(mpirun --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none -np 2)
dotnet build tests/Lumen.Distributed.Worker -c Release -v q -nologo >/dev/null
dotnet build src/Lumen.Cli -c Release -v q -nologo >/dev/null
worker=tests/Lumen.Distributed.Worker/bin/Release/net10.0/Lumen.Distributed.Worker.dll
lumen=src/Lumen.Cli/bin/Release/net10.0/Lumen.Cli.dll
tmp=$(mktemp -d)
mpicc -O2 -o "$tmp/allreduce" bench/mpi/allreduce.c
lscpu | grep -E 'Model name|^CPU\(s\)'; uptime
echo "== all-reduce, 2 ranks"
"${mpi[@]}" "$tmp/allreduce"
"${mpi[@]}" dotnet "$worker" bench-allreduce
echo "== ResNet-18 backward with gradient all-reduce, 2 ranks x 1 thread, 64x64 inputs, batch 8 per rank"
for cap in 1000 25 5; do "${mpi[@]}" dotnet "$worker" bench-overlap resnet18 8 3 "$cap"; done
echo "== MNIST CNN, $images training images, batch 100 (global), 1 epoch"
uptime
/usr/bin/time -f "1 rank x 2 threads: %e s wall" dotnet "$lumen" train --train-subset "$images" --test-subset 100 --epochs 1 --threads 2 --no-report --checkpoint-every 0 --out "$tmp/one" | grep -E "epoch 1/1  train"
/usr/bin/time -f "2 ranks x 1 thread: %e s wall" "${mpi[@]}" dotnet "$lumen" train --train-subset "$images" --test-subset 100 --epochs 1 --threads 1 --batch-size 50 --no-report --checkpoint-every 0 --out "$tmp/two" | grep -E "epoch 1/1  train"
uptime
rm -rf "$tmp"
