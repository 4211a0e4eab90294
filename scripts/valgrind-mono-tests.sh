#!/usr/bin/env bash
# Runs the PowerShell module's C# interop tests (scripts/mono-tests.sh) with Mono under valgrind
# memcheck, and fails on any invalid access, use of uninitialised memory, bad free or leak that
# involves libauditsift.
#
# Mono under valgrind is noisy: its JIT writes code at run time, its GC scans and moves memory on
# purpose, and it leaves some of its own allocations unfreed at exit. No suppression file ships
# with Debian's Mono, and writing one for every Mono version would hide real errors as easily as
# noise. So valgrind reports everything into an XML file, and this script counts only the errors
# with a stack frame in libauditsift: the error happened in our code, or the memory involved was
# allocated by it (a buffer read past its end by Marshal.Copy shows the Rust allocation), or a
# leak was allocated by it (a result or handle the C# side never freed). Mono's own reports are
# counted and shown as a total, not failed on.
#
# usage: scripts/valgrind-mono-tests.sh [test-name-filter]
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in valgrind mono mcs python3; do
  command -v "$tool" >/dev/null || { echo "valgrind-mono-tests: '$tool' is not on PATH" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/auditsift-vgmono.XXXXXX")
trap 'rm -rf "$work"' EXIT
xml=$work/memcheck.xml

# --smc-check: the JIT writes code into anonymous memory. --keep-debuginfo: Mono unloads native
# libraries before exit, and a leak's stack would otherwise show only "???" where libauditsift was.
# Leaks: only definite and indirect ones count as errors; "possibly lost" is Mono's GC heap, full
# of interior pointers. (Checked on a stand-in library: an out-of-bounds read and a dropped
# allocation made through P/Invoke are both reported, among Mono's ~140 reports of its own.)
export MONO_RUNNER="valgrind --tool=memcheck --smc-check=all-non-file --keep-debuginfo=yes \
  --leak-check=full \
  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
  --num-callers=40 --xml=yes --xml-file=$xml"

set +e
bash scripts/mono-tests.sh "$@" 2>&1 | tee "$work/out.txt"
status=${PIPESTATUS[0]}
set -e

last=$(grep -v '^[[:space:]]*$' "$work/out.txt" | tail -1)
if [ "$status" -ne 0 ] || ! [[ "$last" =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
  echo "valgrind-mono-tests: the interop tests failed under valgrind (exit $status, last line: $last)" >&2
  exit 1
fi
[ -s "$xml" ] || { echo "valgrind-mono-tests: valgrind wrote no report" >&2; exit 1; }

python3 - "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

errors = ET.parse(sys.argv[1]).getroot().findall("error")

def frames(error):
    for frame in error.iter("frame"):
        yield " ".join(filter(None, (frame.findtext(k) for k in ("obj", "fn", "file"))))

ours = [e for e in errors if any("auditsift" in f.lower() for f in frames(e))]
print(f"valgrind: {len(errors)} reports in all (Mono's own: {len(errors) - len(ours)}), "
      f"{len(ours)} involving libauditsift")
for e in ours:
    what = e.findtext("what") or (e.find("xwhat").findtext("text") if e.find("xwhat") is not None else "")
    print(f"\n{e.findtext('kind')}: {what}")
    for f in list(frames(e))[:12]:
        print(f"    {f}")
sys.exit(1 if ours else 0)
PY
