#!/usr/bin/env bash
# Times nixgen's prefetching, in one run, against local repositories it
# makes (served as file:// URLs, as a mirror would be):
#   1. A repository of about FILES files: nixgen's native prefetch (the hash
#      fetchgit checks) against the steps nix-prefetch-git performs: a fresh
#      repository, a shallow fetch of the commit, a checkout, deleting .git,
#      `nix-hash --type sha256 --base32`. The hashes must agree. nixgen
#      borrows a local repository's objects instead of copying them; the
#      "native, fetched" row forces the --depth 1 fetch it uses for a
#      remote, for comparison.
#   2. `nixgen bump` of a flake with 8 fetchFromGitHub pins (one of FILES
#      files, seven of 500 to 4000) against the slowest of the 8 bumped
#      alone. With EQUAL=1 also 8 pins of FILES/8 files each.
# Prints medians over REPS runs (alternating tools) and the ratios.
#
# Usage: bench/prefetch.sh        (env: REPS=5 FILES=20000 EQUAL=1 KEEP=1)
set -euo pipefail

reps=${REPS:-5}
files=${FILES:-20000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

for tool in git nix-hash go; do
	command -v "$tool" >/dev/null || {
		echo "prefetch.sh: $tool is not on PATH" >&2
		exit 3
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/prefetch-bench.XXXXXX")
cleanup() {
	if [[ -n ${KEEP:-} ]]; then
		echo "kept $work"
	else
		chmod -R u+w "$work" 2>/dev/null || true
		rm -rf "$work"
	fi
}
trap cleanup EXIT

(cd "$here/.." && go build -o "$work/nixgen" ./cmd/nixgen && go build -o "$work/pf" generator/internal/resolve/prefetchbench/main.go)

# git as Nix's fetchers run it: no user or system configuration.
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$HOME"

# repo N SEED NAME: a repository of about N files, served bare (packed, as
# a server's) at $work/github/bench/NAME.
repo() {
	"$work/pf" repo -files "$1" -seed "$2" "$work/src/$3"
	git clone -q --bare --no-local "$work/src/$3" "$work/github/bench/$3"
	rm -rf "${work:?}/src/$3"
}

# seconds CMD...: runs CMD, prints its wall time in seconds.
seconds() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null
	end=$(date +%s%N)
	echo "$(((end - start) / 1000))e-6"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# --- 1. One repository: native prefetch against nix-prefetch-git's steps.

repo "$files" 1 big
url=file://$work/github/bench/big
rev=$(git -C "$work/github/bench/big" rev-parse HEAD)
echo "repository: $(git -C "$work/github/bench/big" ls-tree -r "$rev" | wc -l) files at $rev"

# steps: what nix-prefetch-git does for fetchgit, without adding the result
# to the store; removing the checkout afterwards is not timed.
steps() {
	local d=$work/steps
	git init -q "$d"
	git -C "$d" remote add origin "$url"
	git -C "$d" fetch -q --depth=1 origin "$rev"
	git -C "$d" checkout -q FETCH_HEAD
	find "$d" -name .git -prune -exec rm -rf {} +
	nix-hash --type sha256 --base32 "$d"
}
unsteps() { chmod -R u+w "$work/steps" && rm -rf "$work/steps"; }

want=$(steps)
unsteps
native=$("$work/pf" prefetch "$url" "$rev")
fetched=$("$work/pf" prefetch -fetch "$url" "$rev")
if [[ $native != "$want" || $fetched != "$want" ]]; then
	echo "prefetch.sh: hashes differ: nix-hash $want, native $native, native fetched $fetched" >&2
	exit 1
fi
echo "hash:       $want (all three agree)"

steps_t=() native_t=() fetched_t=()
for ((i = 0; i < reps; i++)); do
	steps_t+=("$(seconds steps)")
	unsteps
	native_t+=("$(seconds "$work/pf" prefetch "$url" "$rev")")
	fetched_t+=("$(seconds "$work/pf" prefetch -fetch "$url" "$rev")")
done
steps_m=$(median "${steps_t[@]}")
native_m=$(median "${native_t[@]}")
fetched_m=$(median "${fetched_t[@]}")
awk -v s="$steps_m" -v n="$native_m" -v f="$fetched_m" -v reps="$reps" 'BEGIN {
	printf "medians of %d runs              time   vs steps\n", reps
	printf "%-28s %8.3f s\n", "nix-prefetch-git steps", s
	printf "%-28s %8.3f s %8.2fx\n", "nixgen native", n, s / n
	printf "%-28s %8.3f s %8.2fx\n", "nixgen native, fetched", f, s / f
	printf "target: native at least 2x faster: %s\n", (s / n >= 2 ? "met" : "NOT MET")
}'

# --- 2. bump of 8 pins against the slowest single pin.

# bench_bump NAME...: times `nixgen bump` of a flake pinning every NAME,
# and of each alone; prints the ratio to the slowest.
bench_bump() {
	local names=("$@") name all=() single slowest=0 slowest_name m
	flake() {
		local n
		echo "{ fetchFromGitHub }:"
		echo "{"
		for n in "$@"; do
			echo "  $n = fetchFromGitHub { owner = \"bench\"; repo = \"$n\"; rev = \"0000000000000000000000000000000000000000\"; hash = \"\"; };"
		done
		echo "}"
	}
	bump() {
		cp "$1.orig" "$1"
		NIXGEN_GITHUB_URL=file://$work/github "$work/nixgen" bump --prefetcher native "$1"
	}
	flake "${names[@]}" >"$work/all.nix.orig"
	for name in "${names[@]}"; do
		flake "$name" >"$work/$name.nix.orig"
	done
	bump "$work/all.nix" >/dev/null # warm up, and check that it works
	for ((i = 0; i < reps; i++)); do
		all+=("$(seconds bump "$work/all.nix")")
	done
	for name in "${names[@]}"; do
		single=()
		for ((i = 0; i < reps; i++)); do
			single+=("$(seconds bump "$work/$name.nix")")
		done
		m=$(median "${single[@]}")
		if awk -v a="$m" -v b="$slowest" 'BEGIN { exit !(a > b) }'; then
			slowest=$m slowest_name=$name
		fi
	done
	awk -v a="$(median "${all[@]}")" -v s="$slowest" -v n="$slowest_name" -v k="${#names[@]}" 'BEGIN {
		printf "%-28s %8.3f s\n", "bump of " k " pins", a
		printf "%-28s %8.3f s %8.2fx\n", "slowest single (" n ")", s, a / s
		printf "target: at most 1.5x the slowest single: %s\n", (a / s <= 1.5 ? "met" : "NOT MET")
	}'
}

echo
sizes=(4000 2000 2000 1000 1000 500 500)
for k in "${!sizes[@]}"; do
	repo "${sizes[$k]}" "$((k + 2))" "small$k"
done
echo "8 pins: big ($files files) and seven of ${sizes[*]} files, on $(nproc) CPUs; medians of $reps runs"
bench_bump big small0 small1 small2 small3 small4 small5 small6

if [[ -n ${EQUAL:-} ]]; then
	echo
	for k in 0 1 2 3 4 5 6 7; do
		repo "$((files / 8))" "$((k + 20))" "equal$k"
	done
	echo "8 pins of $((files / 8)) files each, on $(nproc) CPUs; medians of $reps runs"
	bench_bump equal0 equal1 equal2 equal3 equal4 equal5 equal6 equal7
fi
