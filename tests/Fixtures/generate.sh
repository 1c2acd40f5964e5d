#!/usr/bin/env bash
# Regenerates every golden fixture from PyTorch 1.13 (Debian python3-torch, installed by
# ../shared/bench/install-pytorch-reference.sh). Tests never run Python: they read the JSON in data/.
set -euo pipefail
cd "$(dirname "$0")"
for g in gen_*.py; do env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$g"; done
