#!/usr/bin/env bash
# Regenerates the report screenshots in docs/ from the bundled incident (the victim's mailbox):
# docs/report-timeline.png and docs/report-exposure.png. Needs Chromium and tests/browser's npm
# packages (cd tests/browser && npm ci); CJK folder names render with fonts-noto-cjk installed.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release
out=$(mktemp -d "${TMPDIR:-/tmp}/auditsift-shots.XXXXXX")
trap 'rm -rf "$out"' EXIT
./target/release/auditsift report --quiet --title "Contoso incident 2026-03: megan.bowen@contoso.com" \
  --user megan.bowen@contoso.com -o "$out/report.html" examples/incident.csv
(cd tests/browser && node screenshot.mjs "$out/report.html" ../../docs/report-timeline.png 1400 1000 timeline \
  && node screenshot.mjs "$out/report.html" ../../docs/report-exposure.png 1400 900 exposure)
