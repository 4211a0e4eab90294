#!/usr/bin/env bash
# Runs auditsift's fuzz targets (cargo-fuzz / libFuzzer) for a given time each and prints, per
# target, how many inputs ran, for how long, and how many crashes were found.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]       default: all targets, 60 s each
#   scripts/fuzz.sh list                         the targets
#
# The fuzz crate (fuzz/) is a workspace of its own; it needs nightly features, which the stable
# toolchain here allows with RUSTC_BOOTSTRAP=1 (a nightly toolchain works too). cargo-fuzz is
# installed from crates.io when missing. Seeds are made afresh from tests/fixtures/records and
# examples/incident.csv; the corpus grows in fuzz/corpus/<target> (not committed).
#
# A crash is saved as fuzz/artifacts/<target>/crash-*; the run stops at the first one and this
# script exits 1. Copy the file into fuzz/regressions/<target>/ (git add it): the normal test
# suite (tests/fuzz_regressions.rs) replays every file there with the same checks, so a fixed
# crash stays fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

target=${1:-all}
seconds=${2:-60}
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^auditsift-fuzz$')

if [ "$target" = list ]; then
  echo "$targets"
  exit 0
fi
if [ "$target" = all ]; then
  run=$targets
elif grep -qx "$target" <<<"$targets"; then
  run=$target
else
  echo "unknown target '$target'; targets: $(echo $targets)" >&2
  exit 2
fi
case $seconds in
  '' | *[!0-9]*) echo "SECONDS must be a whole number" >&2; exit 2 ;;
esac

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/fuzz/target}

# Seeds: the record fixtures, AuditData of the bundled incident, and files in each reader shape.
seeds=$root/fuzz/corpus/seeds
rm -rf "$seeds"
python3 - "$root" "$seeds" <<'PY'
import csv, gzip, io, json, os, sys
root, out = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)

def write(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

fixtures = os.path.join(root, "tests", "fixtures", "records")
records = []
for name in sorted(os.listdir(fixtures)):
    with open(os.path.join(fixtures, name), "rb") as f:
        records.append(f.read())
with open(os.path.join(root, "examples", "incident.csv"), encoding="utf-8-sig", newline="") as f:
    rows = list(csv.DictReader(f))
per_op = {}
for row in rows:
    per_op.setdefault(row["Operation"], []).append(row)
picked = [r for op in sorted(per_op) for r in per_op[op][:4]] + rows[::60]
for i, data in enumerate(records + [r["AuditData"].encode() for r in picked]):
    write("parse_record", f"seed-{i:04}", data)

# Reader inputs (see reader_input in fuzz/checks.rs for the first three bytes).
header = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData"
small = picked[:12]
def purview(rows):
    s = io.StringIO()
    w = csv.writer(s, lineterminator="\r\n")
    w.writerow(header.split(","))
    for r in rows:
        w.writerow([r["RecordId"], r["CreationDate"], r["RecordType"], r["Operation"], r["UserId"], r["AuditData"]])
    return s.getvalue().encode()
def jsonl(rows):
    return "".join(r["AuditData"] + "\n" for r in rows).encode()
inputs = {
    "purview.csv": purview(small),
    "purview-bom.csv": b"\xef\xbb\xbf" + purview(small[:3]),
    "classic.csv": ("CreationDate,UserIds,Operations,AuditData\r\n" + "".join(
        '%s,%s,%s,"%s"\r\n' % (r["CreationDate"], r["UserId"], r["Operation"], r["AuditData"].replace('"', '""'))
        for r in small[:4])).encode(),
    "records.jsonl": jsonl(small),
    "wrapped.jsonl": "".join(json.dumps({"AuditData": r["AuditData"]}) + "\n" for r in small[:4]).encode(),
    "array.json": ("[" + ",".join(r["AuditData"] for r in small[:4]) + "]").encode(),
    "graph.json": json.dumps({"value": [{"id": r["RecordId"], "auditData": json.loads(r["AuditData"])} for r in small[:3]]}, indent=1).encode(),
}
for i, r in enumerate(records):
    inputs[f"fixture-{i}.json"] = r
files = os.path.join(root, "tests", "fixtures", "files")
for name in sorted(os.listdir(files)):
    with open(os.path.join(files, name), "rb") as f:
        inputs["file-" + name] = f.read()
# Byte 0: encoding (0 plain, 1 gzip, 2 gzip cut short) | limits (0x4 small, 0xc default) |
# 0x10 for a CSV that brings its own header. Bytes 1-2: where gzip is cut; batch size.
for name, data in inputs.items():
    csv_file = name.endswith(".csv")
    for encoding in (0, 1, 2):
        for limits in (0x4, 0xC):
            mode = encoding | limits | (0x10 if csv_file else 0)
            target = "read_csv" if csv_file else "read_json"
            write(target, f"{mode:02x}-{name}", bytes([mode, 0x47, 0x9c]) + data)
# C ABI batches (see ffi_parse_batch_input in fuzz/checks.rs for the first four bytes): one
# record, or several separated by newlines, with and without filters, flags and odd offsets.
headers = [bytes([3, 0, 0, 0]), bytes([5, 3, 0x3F, 0]), bytes([7, 1, 0x03, 1]), bytes([16, 2, 0x05, 2])]
batches = [r["AuditData"].encode() for r in picked[:40]] + records + [jsonl(small), b"\n".join(records)]
for i, body in enumerate(batches):
    write("ffi_parse_batch", f"seed-{i:04}", headers[i % len(headers)] + body)
PY

summary=()
status=0
for t in $run; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  before=$(ls "fuzz/artifacts/$t" | wc -l)
  log=$(mktemp)
  seed_dir=$seeds/$t
  [ -d "$seed_dir" ] || seed_dir=
  echo "== $t: ${seconds}s"
  set +e
  (cd fuzz && cargo fuzz run "$t" "corpus/$t" ${seed_dir:+"$seed_dir"} -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=262144 \
      -print_final_stats=1) >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  after=$(ls "fuzz/artifacts/$t" | wc -l)
  found=$((after - before))
  if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
    echo "cargo fuzz failed for $t (exit $rc); last lines of its output:" >&2
    tail -30 "$log" >&2
    status=1
  elif [ "$found" -gt 0 ]; then
    grep -E "^(==[0-9]+==ERROR|thread .* panicked|SUMMARY)" "$log" | head -5 || true
    ls -t "fuzz/artifacts/$t" | head -"$found" | sed "s|^|  new artifact: fuzz/artifacts/$t/|"
    status=1
  fi
  summary+=("$(printf '%-18s %12s executions %6ss %3d crashes' "$t" "${runs:-?}" "${took:-?}" "$found")")
  rm -f "$log"
done

echo
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit $status
