#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes the HTML report of the bundled Lancashire instance and screenshots it
# with headless Chromium, to check by eye that the page renders.
#
#   scripts/screenshot_report.sh [OUT_DIR]     (default: .build/report)
#
# Needs Debian's chromium (apt-get install -y chromium). Uses the ONS boundary
# file of the shared data folder when it exists (override with BOUNDARIES=...;
# BOUNDARIES= draws points only). Writes OUT_DIR/lancashire-2025.html and
# OUT_DIR/lancashire-2025.png (full page; HEIGHT=... to change its length).
set -eu
cd "$(dirname "$0")/.."
out=${1:-.build/report}
boundaries=${BOUNDARIES-../shared/data/uk-councils/lad_boundaries_england_may2024_buc.geojson}
height=${HEIGHT:-5200}
mkdir -p "$out"
swift build --product councilshare >/dev/null
bin=$(swift build --show-bin-path)/councilshare
set -- solve instances/lancashire-2025.json --format json --html "$out/lancashire-2025.html"
if [ -n "$boundaries" ] && [ -f "$boundaries" ]; then
    set -- "$@" --boundaries "$boundaries"
fi
"$bin" "$@" >"$out/lancashire-2025.json"
browser=$(command -v chromium || command -v chromium-headless-shell || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "no chromium found: apt-get install -y chromium" >&2
    exit 1
fi
# --no-sandbox: needed when run as root (e.g. in a container).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1280,"$height" --screenshot="$out/lancashire-2025.png" \
    "file://$(pwd)/$out/lancashire-2025.html" 2>/dev/null
echo "$out/lancashire-2025.png"
