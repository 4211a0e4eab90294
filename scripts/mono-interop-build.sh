#!/usr/bin/env bash
# Compiles the AuditSift module's C# interop the way AuditSift.psm1 does at import: csharp/*.cs
# joined in the psm1's order, the library's absolute path put in place of the placeholder, with
# Mono's C# 5 compiler and only System.dll referenced (as Windows PowerShell 5.1's Add-Type).
#
# usage: scripts/mono-interop-build.sh <absolute library path> <output AuditSift.dll>
# Run from the repository root (scripts/mono-tests.sh and scripts/mono-bench.sh do).
set -euo pipefail
lib=$1
dll=$2
module=powershell/AuditSift
[ -f "$module/AuditSift.psm1" ] || { echo "mono-interop-build: run from the repository root" >&2; exit 2; }

# The order of the sources, from the psm1 itself, so that both join them the same way.
sources=$(grep -E '^\$script:InteropSources' "$module/AuditSift.psm1" | grep -oE "'[A-Za-z]+\.cs'" | tr -d "'")
[ -n "$sources" ] || { echo "mono-interop-build: no \$script:InteropSources in AuditSift.psm1" >&2; exit 2; }
joined="${dll%.dll}.g.cs"
: >"$joined"
first=1
for name in $sources; do
  [ $first = 1 ] || printf '\n' >>"$joined"
  cat "$module/csharp/$name" >>"$joined"
  first=0
done
# A verbatim C# string doubles its quotes.
escaped=${lib//\"/\"\"}
LIB="$escaped" perl -0pi -e 's/__AUDITSIFT_LIB__/$ENV{LIB}/g' "$joined"
if grep -q '__AUDITSIFT_LIB__' "$joined"; then
  echo "mono-interop-build: the library placeholder was not replaced" >&2; exit 2
fi
# -noconfig: no default references beyond mscorlib, so a use of System.Core (LINQ, HashSet) fails
# here as it would under Windows PowerShell 5.1's Add-Type.
mcs -langversion:5 -noconfig -r:System.dll -warnaserror -warn:4 -nologo -target:library -out:"$dll" "$joined"
