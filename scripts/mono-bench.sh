#!/usr/bin/env bash
# Benchmark (not a test): records/s through the AuditSift module's C# layer under Mono, against the
# release library, next to JavaScriptSerializer.DeserializeObject (Windows PowerShell 5.1's
# ConvertFrom-Json core) and Newtonsoft's JObject.Parse (PowerShell 7's core), same records, same run.
#
# usage: scripts/mono-bench.sh [records (default 20000)] [repetitions (default 3)]
# env:   AUDITSIFT_NATIVE_LIBRARY=<absolute path> to measure another build of the library
# needs: mono-mcs, mono-runtime, libmono-system-web-extensions4.0-cil, libnewtonsoft-json-cil-dev
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
records=${1:-20000}
repetitions=${2:-3}

newtonsoft=$(ls /usr/lib/cli/Newtonsoft.Json-*/Newtonsoft.Json.dll 2>/dev/null | head -n 1 || true)
[ -n "$newtonsoft" ] || { echo "mono-bench: Newtonsoft.Json not found: apt-get install libnewtonsoft-json-cil-dev" >&2; exit 2; }

if [ -n "${AUDITSIFT_NATIVE_LIBRARY:-}" ]; then
  lib=$AUDITSIFT_NATIVE_LIBRARY   # another build of the library, as for the module
else
  cargo build --quiet --release --lib --package auditsift
  target_dir=${CARGO_TARGET_DIR:-$root/target}
  lib=$(cd "$target_dir/release" && pwd)/libauditsift.so
fi

data="$root/bench-data/incident-$records.jsonl"
session_file="$data.session"
if [ ! -s "$data" ] || [ ! -s "$session_file" ]; then
  mkdir -p "$root/bench-data"
  if ! cargo run --quiet --release --example gen_incident -- --format jsonl --records "$records" --out "$data" 2>"$data.log"; then
    cat "$data.log" >&2
    rm -f "$data"
    exit 1
  fi
  # The generator prints the attacker's SessionId on stderr.
  grep -oiE 'SessionId[^0-9a-f]*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$data.log" \
    | head -n 1 | grep -oiE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' >"$session_file"
fi
session=$(cat "$session_file")

out=$(mktemp -d "${TMPDIR:-/tmp}/auditsift-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
bash scripts/mono-interop-build.sh "$lib" "$out/AuditSift.dll"
cp "$newtonsoft" "$out/"
mcs -langversion:5 -optimize+ -nologo -r:"$out/AuditSift.dll" -r:System.Web.Extensions.dll \
  -r:"$out/Newtonsoft.Json.dll" -out:"$out/Bench.exe" powershell/bench/Bench.cs
echo "mono $(mono --version | head -n 1 | grep -oE 'version [0-9.]+'), $(nproc) cores, library $lib"
MONO_PATH="$out" mono --optimize=all "$out/Bench.exe" "$data" "$session" "$repetitions"
