#!/usr/bin/env bash
# Builds the native library, compiles the AuditSift module's C# interop as AuditSift.psm1 does at
# import (scripts/mono-interop-build.sh), then compiles and runs powershell/tests/InteropTests.cs
# against it under Mono. The last line printed is "N passed, M failed".
#
# usage: scripts/mono-tests.sh [test-name-filter]
# env:   AUDITSIFT_PROFILE=release to test the release library (default: debug)
#        AUDITSIFT_NATIVE_LIBRARY=<absolute path> to test another build of the library
#        MONO_RUNNER="valgrind ..." to run mono under another program
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in mcs mono cargo perl; do
  command -v "$tool" >/dev/null || { echo "mono-tests: '$tool' is not on PATH" >&2; exit 2; }
done

profile=${AUDITSIFT_PROFILE:-debug}
if [ -n "${AUDITSIFT_NATIVE_LIBRARY:-}" ]; then
  lib=$AUDITSIFT_NATIVE_LIBRARY   # another build of the library, as for the module
else
  if [ "$profile" = release ]; then
    cargo build --quiet --release --lib --package auditsift
  else
    cargo build --quiet --lib --package auditsift
  fi
  target_dir=${CARGO_TARGET_DIR:-$root/target}
  case "$(uname -s)" in
    Darwin) lib_name=libauditsift.dylib ;;
    *) lib_name=libauditsift.so ;;
  esac
  lib=$(cd "$target_dir/$profile" && pwd)/$lib_name
fi
[ -f "$lib" ] || { echo "mono-tests: no library at $lib" >&2; exit 2; }

out=$(mktemp -d "${TMPDIR:-/tmp}/auditsift-mono.XXXXXX")
trap 'rm -rf "$out"' EXIT

bash scripts/mono-interop-build.sh "$lib" "$out/AuditSift.dll"
mcs -langversion:5 -warnaserror -warn:4 -nologo -r:"$out/AuditSift.dll" -r:System.Xml.dll \
  -out:"$out/InteropTests.exe" powershell/tests/InteropTests.cs

export MONO_PATH="$out"
${MONO_RUNNER:-} mono --debug "$out/InteropTests.exe" "$root" "$@"
