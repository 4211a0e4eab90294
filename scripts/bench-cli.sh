#!/usr/bin/env bash
# Benchmark of the auditsift command line on ~1 GB inputs (not a test).
#
# Generates (once) a JSON-lines file and a Purview export CSV of about $BYTES bytes with
# examples/gen_incident.rs, then times in one run, on each file:
#   * `auditsift timeline --session <attacker>`, `auditsift mailitems --session <attacker>` (the
#     MailItemsAccessed exposure of that session, which also reads every throttled record) and
#     `auditsift convert`,
#   * jq -c 'select(.SessionId=="<attacker>")' (JSON lines only; jq stops at the first record it
#     cannot parse, so it reads a copy of the file without the generator's one invalid line),
#   * a Python loop: json.loads per line (JSON lines) or csv + json.loads per row (CSV), keeping the
#     attacker session's records,
#   * cat FILE >/dev/null: the page-cache read speed, the physical limit,
# and prints MB/s, records/s, ratios and peak RSS (/usr/bin/time -v).
#
# Usage: scripts/bench-cli.sh            (BYTES=1000000000 by default)
#        BYTES=100000000 RUNS=1 scripts/bench-cli.sh   (quick)
# Environment: BYTES (input size), DATA (directory, default bench-data), RUNS (runs of each fast
# command, the fastest counts; default 3), BASE_RUNS (runs of jq and Python; default 1),
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BYTES:-1000000000}
DATA=${DATA:-bench-data}
RUNS=${RUNS:-3}
BASE_RUNS=${BASE_RUNS:-1}
TARGET=${CARGO_TARGET_DIR:-target}
BIN="$TARGET/release/auditsift"
GEN="$TARGET/release/examples/gen_incident"

for tool in jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-cli: $tool is needed" >&2; exit 1; }
done

echo "== building (release)" >&2
cargo build --release --quiet --bin auditsift --example gen_incident
mkdir -p "$DATA"

# generate FORMAT FILE: writes FILE and FILE.truth.json unless they exist for the same size.
generate() {
  local format=$1 file=$2
  local stamp="$file.stamp" want="$format $BYTES"
  if [[ -f "$file" && -f "$file.truth.json" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return
  fi
  echo "== generating $file ($format, $BYTES bytes)" >&2
  "$GEN" --bytes "$BYTES" --format "$format" --out "$file" --truth "$file.truth.json"
  echo "$want" >"$stamp"
}

truth() { # truth FILE KEY: a top-level number or the attacker's session id
  python3 - "$1" "$2" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
print(t["attacker"]["session_id"] if sys.argv[2] == "session" else t[sys.argv[2]])
EOF
}

JSONL="$DATA/big.jsonl"
CSV="$DATA/big.csv"
generate jsonl "$JSONL"
generate purview-csv "$CSV"
SESSION=$(truth "$JSONL.truth.json" session)

# jq stops at the first line it cannot parse: give it the same file without the invalid lines.
JQ_INPUT="$DATA/big.jq.jsonl"
if [[ ! -f "$JQ_INPUT" || "$JQ_INPUT" -ot "$JSONL" ]]; then
  python3 - "$JSONL" "$JSONL.truth.json" "$JQ_INPUT" <<'EOF'
import json, sys
bad = {i["row"] for i in json.load(open(sys.argv[2]))["invalid"]}
with open(sys.argv[1], "rb") as src, open(sys.argv[3], "wb") as dst:
    for n, line in enumerate(src, 1):
        if n not in bad:
            dst.write(line)
EOF
fi

PY_JSONL=$(cat <<'EOF'
import json, sys
path, session = sys.argv[1], sys.argv[2]
kept = bad = 0
with open(path, "rb") as f:
    for line in f:
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(d, dict) and d.get("SessionId") == session:
            kept += 1
            sys.stdout.buffer.write(line)
print(f"python: kept {kept}, unparsable {bad}", file=sys.stderr)
EOF
)
PY_CSV=$(cat <<'EOF'
import csv, json, sys
csv.field_size_limit(sys.maxsize)
path, session = sys.argv[1], sys.argv[2]
kept = bad = 0
with open(path, newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        try:
            d = json.loads(row["AuditData"])
        except (ValueError, TypeError):
            bad += 1
            continue
        if isinstance(d, dict) and d.get("SessionId") == session:
            kept += 1
            print(json.dumps(d))
print(f"python: kept {kept}, unparsable {bad}", file=sys.stderr)
EOF
)

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS" "$RESULTS".*' EXIT

# measure LABEL RUNS FILE OUT COMMAND...: the fastest of RUNS runs; records its seconds, the
# largest peak RSS (KB) and the number of output lines. OUT is `count` to keep the output (small)
# and count its lines, or `null` to send it to /dev/null (large outputs: writing them to a file
# would measure the disk).
measure() {
  local label=$1 runs=$2 file=$3 out=$4
  shift 4
  local best="" rss=0 lines="-"
  local sink=/dev/null
  [[ "$out" == count ]] && sink="$RESULTS.out"
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$RESULTS.time" "$@" >"$sink" 2>"$RESULTS.err" || true
    local secs kb
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$RESULTS.time" |
      awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RESULTS.time")
    if [[ -z "$best" ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$secs
    fi
    ((kb > rss)) && rss=$kb
    [[ "$out" == count ]] && lines=$(wc -l <"$RESULTS.out")
  done
  echo "$label|$file|$best|$rss|$lines" >>"$RESULTS"
  echo "   $label on $(basename "$file"): ${best}s, peak RSS $((rss / 1024)) MB, $lines lines out" >&2
}

for file in "$JSONL" "$CSV"; do
  echo "== $file" >&2
  cat "$file" >/dev/null # into the page cache
  measure "cat >/dev/null" "$RUNS" "$file" null cat "$file"
  measure "auditsift timeline" "$RUNS" "$file" count \
    "$BIN" timeline -q --format jsonl --session "$SESSION" "$file"
  measure "auditsift mailitems" "$RUNS" "$file" count \
    "$BIN" mailitems -q --format jsonl --session "$SESSION" "$file"
  measure "auditsift convert" "$RUNS" "$file" null "$BIN" convert -q --format jsonl "$file"
  if [[ "$file" == "$JSONL" ]]; then
    cat "$JQ_INPUT" >/dev/null
    measure "jq select" "$BASE_RUNS" "$file" count \
      jq -c "select(.SessionId==\"$SESSION\")" "$JQ_INPUT"
    measure "python json.loads" "$BASE_RUNS" "$file" count \
      python3 -c "$PY_JSONL" "$file" "$SESSION"
  else
    measure "python csv+json.loads" "$BASE_RUNS" "$file" count \
      python3 -c "$PY_CSV" "$file" "$SESSION"
  fi
done

python3 - "$RESULTS" "$JSONL" "$CSV" <<'EOF'
import json, os, sys
results, files = sys.argv[1], sys.argv[2:]
rows = [line.rstrip("\n").split("|") for line in open(results)]
cores = os.cpu_count()
print(f"\nauditsift CLI benchmark ({cores} cores; fastest of the runs; ratios = other tool's time / auditsift's)")
header = ("input", "command", "seconds", "MB/s", "records/s", "vs jq", "vs python", "peak RSS MB", "lines out")
table = [header]
verdicts = []
for f in files:
    size = os.path.getsize(f)
    records = json.load(open(f + ".truth.json"))["records_written"]
    mine = [r for r in rows if r[1] == f]
    secs = {r[0]: float(r[2]) for r in mine}
    jq = secs.get("jq select")
    py = next((v for k, v in secs.items() if k.startswith("python")), None)
    for label, _, s, kb, lines in mine:
        s = float(s)
        aud = label.startswith("auditsift")
        vs_jq = f"{jq / s:.1f}x" if aud and jq else ""
        vs_py = f"{py / s:.1f}x" if aud and py else ""
        table.append((os.path.basename(f), label, f"{s:.2f}", f"{size / s / 1e6:,.0f}",
                      f"{records / s:,.0f}", vs_jq, vs_py, f"{int(kb) / 1024:.0f}", lines))
        if aud:
            verdicts.append((f"{label} on {os.path.basename(f)}: peak RSS < 200 MB", int(kb) < 200 * 1024))
    if jq and "auditsift timeline" in secs:
        verdicts.append((f"timeline >= 30x jq on {os.path.basename(f)} ({jq / secs['auditsift timeline']:.1f}x)",
                         jq / secs["auditsift timeline"] >= 30))
    if "auditsift mailitems" in secs and "auditsift timeline" in secs:
        speed = secs["auditsift timeline"] / secs["auditsift mailitems"]
        verdicts.append((f"mailitems >= 0.5x the speed of timeline on {os.path.basename(f)} ({speed:.2f}x)",
                         speed >= 0.5))
    if "cat >/dev/null" in secs and "auditsift timeline" in secs:
        share = secs["cat >/dev/null"] / secs["auditsift timeline"]
        print(f"{os.path.basename(f)}: {size / 1e6:,.0f} MB, {records:,} records; timeline runs at "
              f"{share:.0%} of the page-cache read speed")
widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
for i, r in enumerate(table):
    print("  ".join(str(c).rjust(w) if j > 1 else str(c).ljust(w) for j, (c, w) in enumerate(zip(r, widths))))
    if i == 0:
        print("  ".join("-" * w for w in widths))
print()
for text, ok in verdicts:
    print(f"{'PASS' if ok else 'MISS'}  {text}")
EOF
