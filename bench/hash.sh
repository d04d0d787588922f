#!/usr/bin/env bash
# Times NAR hashing of one ~700 MB tree of mixed files, in one run:
#   1. nix hash path (the real tool),
#   2. nixgen's narhash.Path (through generator/internal/narhash/hashpath),
#   3. the SHA-256 floor: NAR bytes / crypto/sha256 throughput on this machine.
# Prints medians over REPS runs (alternating tools, page cache warm), MB/s,
# the ratio to nix and the percent of the floor; checks that the hashes agree.
#
# Usage: bench/hash.sh
# Env: REPS=7 runs, MB=700 tree size, SMALL=5000 small files (45000 makes
# per-file costs dominate), SEED=1, KEEP=1 keeps the tree.
set -euo pipefail

reps=${REPS:-7}
mb=${MB:-700}
seed=${SEED:-1}
small=${SMALL:-5000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
nix=(nix --extra-experimental-features nix-command hash path)

command -v nix >/dev/null || { echo "hash.sh: nix is not on PATH" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/narhash-bench.XXXXXX")
cleanup() {
	if [[ -n ${KEEP:-} ]]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

(cd "$here/.." && go build -o "$work/hashpath" ./generator/internal/narhash/hashpath/main.go && go build -o "$work/mktree" ./bench/mktree/main.go)
tree=$work/tree
echo "tree:    $("$work/mktree" -mb "$mb" -small "$small" -seed "$seed" "$tree")"

# Write the new tree back first, so that writeback does not run during the
# timings, then warm the page cache, and check the two tools agree.
sync
find "$tree" -type f -exec cat {} + >/dev/null
want=$("${nix[@]}" "$tree")
read -r got narbytes < <("$work/hashpath" -size "$tree")
if [[ $got != "$want" ]]; then
	echo "hash.sh: hashes differ: nix hash path $want, narhash $got" >&2
	exit 1
fi
echo "hash:    $want ($narbytes NAR bytes)"

# seconds CMD...: runs CMD, checks it printed $want, prints the wall time.
seconds() {
	local start end out
	start=$(date +%s%N)
	out=$("$@")
	end=$(date +%s%N)
	if [[ $out != "$want" ]]; then
		echo "hash.sh: $* printed $out, want $want" >&2
		exit 1
	fi
	echo "$(((end - start) / 1000))e-6"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

nix_t=() ours_t=() floor_r=()
for ((i = 0; i < reps; i++)); do
	nix_t+=("$(seconds "${nix[@]}" "$tree")")
	ours_t+=("$(seconds "$work/hashpath" "$tree")")
	floor_r+=("$("$work/hashpath" -floor)")
done

nix_m=$(median "${nix_t[@]}")
ours_m=$(median "${ours_t[@]}")
rate=$(median "${floor_r[@]}")

awk -v n="$narbytes" -v nix="$nix_m" -v ours="$ours_m" -v rate="$rate" -v reps="$reps" '
function row(name, s) {
	printf "%-22s %8.3f s %9.0f MB/s %8.2fx %8.1f%%\n", name, s, n / s / 1e6, nix / s, 100 * floor / s
}
BEGIN {
	floor = n / rate
	printf "medians of %d runs, NAR %.1f MB, sha256 %.0f MB/s\n", reps, n / 1e6, rate / 1e6
	printf "%-22s %10s %14s %9s %9s\n", "", "time", "throughput", "vs nix", "of floor"
	row("nix hash path", nix)
	row("narhash.Path", ours)
	row("sha256 floor", floor)
}'
