#!/usr/bin/env bash
# Runs the C ABI test under valgrind: exits non-zero on any invalid access or definite/indirect leak.
# (rayon's global pool threads stay alive until exit: "still reachable"/"possibly lost" blocks from
# them are not leaks of the ABI and are not counted.)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build -q --lib
gcc -std=c11 -Wall -Wextra -Werror -pthread -Iinclude tests/c/abi_test.c -o "$target/debug/abi_test" \
  -L"$target/debug" -Wl,-rpath,"$(cd "$target/debug" && pwd)" -lauditsift
valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect "$target/debug/abi_test"
echo "valgrind: no invalid accesses, no definite or indirect leaks"
