#!/usr/bin/env bash
# Times `nixgen init --dry-run` on synthetic projects at scale: a Cargo
# workspace of N members and a Go module of M commands, each a small server
# that reads its address through a helper, so the source analysis has work
# to do (bench/mkproject/main.go writes them). Medians of RUNS.
#
# Usage: bench/initscale.sh [RUNS]   (env: MEMBERS=100 COMMANDS=50; offline)
set -euo pipefail

runs=${1:-5}
members=${MEMBERS:-100}
commands=${COMMANDS:-50}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/nixgen" "$root/cmd/nixgen"
(cd "$root" && go run bench/mkproject/main.go -kind cargo -n "$members" "$work/cargo"
 go run bench/mkproject/main.go -kind cargo -n 20 "$work/cargo20"
 go run bench/mkproject/main.go -kind go -n "$commands" "$work/go")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
elapsed() { local t0; t0=$(now); "$@" >/dev/null 2>&1; echo "$(now) - $t0" | bc -l; }

for case in "cargo:$members-member Cargo workspace" "cargo20:20-member Cargo workspace" "go:$commands-command Go module"; do
	dir=${case%%:*}
	times=()
	for _ in $(seq "$runs"); do
		times+=("$(elapsed "$work/nixgen" --quiet init --dry-run --service "$work/$dir")")
	done
	m=$(printf '%s\n' "${times[@]}" | median)
	printf '%-28s init --dry-run %.3f s (median of %d), %.2f of the 1 s budget\n' "${case#*:}" "$m" "$runs" "$m"
done
