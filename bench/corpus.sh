#!/usr/bin/env bash
# Scores nixgen against the development corpus: real public services whose
# facts are recorded in bench/corpus/corpus.toml (see bench/corpus/README.md).
#
# usage: bench/corpus.sh [-v] [--rev REV] [--mirrors DIR] [--keep DIR] [NAME...]
#
#   -v            explain every ✗ under its row
#   --rev REV     build nixgen from commit REV (git archive) instead of the
#                 working tree, e.g. while a refactor leaves it unbuildable
#   --mirrors DIR where the fetched mirrors live (default /work/.mirror,
#                 or $NIXGEN_CORPUS_MIRRORS); a repository OWNER/NAME is the
#                 git directory DIR/OWNER+NAME/repo (or DIR/OWNER+NAME)
#   --keep DIR    keep nixgen's output per repository in DIR
#   NAME...       score only these corpus entries
#
# A repository whose mirror is absent is skipped with a note. nixgen failing
# on a repository scores 0 for it; it is not an error of this script.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
corpus="$here/corpus/corpus.toml"
mirrors=${NIXGEN_CORPUS_MIRRORS:-/work/.mirror}
rev=""
keep=""
verbose=""
only=()

while (($#)); do
	case $1 in
	-v) verbose=-v ;;
	--rev)
		rev=${2:?--rev needs a commit}
		shift
		;;
	--mirrors)
		mirrors=${2:?--mirrors needs a directory}
		shift
		;;
	--keep)
		keep=${2:?--keep needs a directory}
		shift
		;;
	-h | --help)
		sed -n '2,17p' "$0"
		exit 0
		;;
	-*)
		echo "corpus.sh: unknown option $1" >&2
		exit 2
		;;
	*) only+=("$1") ;;
	esac
	shift
done

tmp=$(mktemp -d)
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# 1. Build nixgen and the scorer.
src=$root
if [[ -n $rev ]]; then
	src=$tmp/src
	mkdir -p "$src"
	git -C "$root" archive "$rev" | tar -x -C "$src"
fi
echo "building nixgen from ${rev:-the working tree}" >&2
(cd "$src" && go build -o "$tmp/nixgen" ./cmd/nixgen)
(cd "$root" && go build -o "$tmp/score" ./bench/corpus/score.go)
"$tmp/score" check "$corpus"

results=${keep:-$tmp/results}
mkdir -p "$results"

wanted() {
	((${#only[@]} == 0)) && return 0
	local n
	for n in "${only[@]}"; do
		[[ $n == "$1" ]] && return 0
	done
	return 1
}

# 2. Export every pinned commit and run nixgen on it.
while read -r name github commit; do
	wanted "$name" || continue
	out=$results/$name
	rm -rf "$out"
	mkdir -p "$out"
	gitdir=""
	for cand in "$mirrors/${github/\//+}/repo" "$mirrors/${github/\//+}"; do
		if [[ -f $cand/HEAD ]]; then
			gitdir=$cand
			break
		fi
	done
	if [[ -z $gitdir ]]; then
		echo "no mirror of $github under $mirrors" >"$out/skipped"
		echo "skip $name: no mirror of $github under $mirrors" >&2
		continue
	fi
	if ! git --git-dir="$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
		echo "mirror lacks commit $commit" >"$out/skipped"
		echo "skip $name: $gitdir lacks $commit" >&2
		continue
	fi
	# Named like a clone of the repository, as a user would have it.
	work=$tmp/work/$name/${github#*/}
	mkdir -p "$work"
	git --git-dir="$gitdir" archive "$commit" | tar -x -C "$work"
	# Submodules, as a clone with --recursive has them, from their own
	# mirrors (named in .gitmodules); one without a mirror stays empty.
	git --git-dir="$gitdir" ls-tree -r "$commit" | awk '$2 == "commit" { print $3, $4 }' |
		while read -r subcommit subpath; do
			url=$(git --git-dir="$gitdir" show "$commit:.gitmodules" 2>/dev/null |
				git config -f - --get-regexp '^submodule\..*\.path$' | awk -v p="$subpath" '$2 == p { print $1 }' |
				sed 's/\.path$/.url/' | xargs -r -I{} sh -c "git --git-dir='$gitdir' show '$commit:.gitmodules' | git config -f - --get '{}'")
			subrepo=${url#https://github.com/}
			subrepo=${subrepo%.git}
			subdir=""
			for cand in "$mirrors/${subrepo/\//+}/repo" "$mirrors/${subrepo/\//+}"; do
				[[ -f $cand/HEAD ]] && subdir=$cand && break
			done
			if [[ -n $subdir ]] && git --git-dir="$subdir" cat-file -e "$subcommit^{commit}" 2>/dev/null; then
				mkdir -p "$work/$subpath"
				git --git-dir="$subdir" archive "$subcommit" | tar -x -C "$work/$subpath"
			else
				echo "  $name: no mirror of submodule $subpath ($url) at $subcommit; left empty" >&2
			fi
		done
	git -C "$work" init -q
	# Every file of the commit is tracked, as in a clone, even where a
	# later .gitignore line matches it.
	git -C "$work" add -f -A
	# The files of the commit, for the scorer to tell a directory the
	# build reads from a file.
	(cd "$work" && find . -path ./.git -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort) >"$out/files"
	echo "nixgen init $name ($github@${commit:0:12})" >&2
	rc=0
	(cd "$work" && timeout 300 "$tmp/nixgen" --verbose init --dry-run --vendor-hash fake .) \
		>"$out/stdout" 2>"$out/stderr" </dev/null || rc=$?
	echo "$rc" >"$out/rc"
	rm -rf "$tmp/work/$name"
done < <("$tmp/score" list "$corpus")

# 3. Score.
echo >&2
args=()
if [[ -n $verbose ]]; then
	args+=("$verbose")
fi
# Entries without a results directory (not selected) are left out.
"$tmp/score" report "${args[@]}" "$corpus" "$results"
