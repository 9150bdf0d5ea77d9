#!/bin/sh
# cache_timing.sh [CLACT] [OP]: how much the persistent program cache saves
# on the first call of a new process. Runs `clact apply OP` on a small
# tensor in fresh processes:
#   cold        empty clact and PoCL caches (everything compiles)
#   warm        both caches filled by the cold run
#   clact only  clact's cache filled, PoCL's emptied (the kernel binary is
#               loaded from clact's cache; PoCL still generates code)
# and prints each wall time and its ratio to the cold one. The caches live
# in a temporary directory that is removed at the end.
set -eu
CLACT=${1:-build/tools/clact}
OP=${2:-gelu}
[ -x "$CLACT" ] || { echo "cache_timing.sh: $CLACT is not an executable (build first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export CLACT_CACHE_DIR="$tmp/clact" POCL_CACHE_DIR="$tmp/pocl"
unset CLACT_CACHE

# a float32 .npy of 4096 zeros: 10-byte preamble + 118-byte header = 128
hdr="{'descr': '<f4', 'fortran_order': False, 'shape': (4096,), }"
pad=$((118 - ${#hdr} - 1))
{
    printf '\223NUMPY\001\000\166\000%s%*s\n' "$hdr" "$pad" ''
    head -c 16384 /dev/zero
} > "$tmp/x.npy"

now() { date +%s.%N; }
run() { # seconds of one `clact apply`
    s=$(now)
    "$CLACT" apply "$OP" "$tmp/x.npy" "$tmp/y.npy" > /dev/null
    e=$(now)
    echo "$s $e" | awk '{printf "%.3f", $2 - $1}'
}
cold=$(run)
warm=$(run)
rm -rf "$POCL_CACHE_DIR"
clact_only=$(run)
echo "clact apply $OP, first call of a new process on $("$CLACT" devices | sed -n 's/^\* //p')"
printf '%-12s %8s s\n' cold "$cold"
echo "$warm $cold" | awk '{printf "%-12s %8.3f s  %6.1fx faster than cold\n", "warm", $1, $2 / $1}'
echo "$clact_only $cold" | awk '{printf "%-12s %8.3f s  %6.1fx faster than cold\n", "clact only", $1, $2 / $1}'
