#!/usr/bin/env bash
# Acceptance check for run reports (issue 6): writes the sample report with the test suite, then renders
# report.html in headless Chromium and saves a screenshot, so a person can look at the page as a browser draws it.
#
#   scripts/check-report-render.sh [OUT_DIR]      (default: ./artifacts/report-check)
#
# OUT_DIR receives report.html, report.json, curves.png, confusion.png, per_class.png, filters.png, samples.png
# (written by Lumen) and screenshot.png (taken by Chromium). Installs Debian's chromium package when no Chromium
# is on PATH (needs root and network). Not part of the unit tests.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "${1:-$repo/artifacts/report-check}" && cd "${1:-$repo/artifacts/report-check}" && pwd)"

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        echo "check-report-render: no Chromium on PATH; run as root to install Debian's chromium package" >&2
        exit 2
    fi
    echo "check-report-render: installing chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser="$(command -v chromium)"
fi

echo "check-report-render: writing the sample report to $out"
rm -f "$out"/report.html "$out"/screenshot.png
LUMEN_REPORT_DIR="$out" dotnet test "$repo/tests/Lumen.Training.Tests" --filter "FullyQualifiedName~WriteSampleReport" --nologo -v q
[[ -s "$out/report.html" ]] || { echo "check-report-render: report.html was not written" >&2; exit 1; }

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
echo "check-report-render: rendering with $("$browser" --version 2>/dev/null || echo "$browser")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
    --screenshot="$out/screenshot.png" --window-size=1280,2000 "file://$out/report.html" 2>"$out/chromium.log" || {
    echo "check-report-render: chromium failed; see $out/chromium.log" >&2; exit 1; }
[[ -s "$out/screenshot.png" ]] || { echo "check-report-render: no screenshot was written" >&2; exit 1; }
echo "check-report-render: screenshot at $out/screenshot.png"
ls -l "$out"
