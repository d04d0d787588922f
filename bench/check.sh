#!/usr/bin/env bash
# Times `nixgen check` on an unchanged Go project, which reuses the
# vendorHash nixgen.toml records, against `nixgen check --rehash`, which
# recomputes it with `go mod vendor` as every check did before. Both with a
# warm module cache, alternating, medians of RUNS.
#
# Usage: bench/check.sh [RUNS]   (needs the Go module proxy once, to warm the cache)
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

go build -o "$work/nixgen" "$root/cmd/nixgen"

mod="$work/mod"
mkdir -p "$mod"
cat >"$mod/go.mod" <<'GOMOD'
module example.com/exporter

go 1.26
GOMOD
cat >"$mod/main.go" <<'GO'
package main

import (
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"go.uber.org/zap"
)

func main() {
	log, _ := zap.NewProduction()
	cmd := &cobra.Command{Use: "exporter", Run: func(*cobra.Command, []string) {
		http.Handle("/metrics", promhttp.Handler())
		log.Info("listening")
		_ = http.ListenAndServe(os.Getenv("LISTEN_ADDR"), nil)
	}}
	_ = cmd.Execute()
}
GO
(cd "$mod" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1)
deps=$(cd "$mod" && go list -m all | tail -n +2 | wc -l)
"$work/nixgen" --quiet init "$mod" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
elapsed() { local t0; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc -l; }

cached=() rehash=()
for _ in $(seq "$runs"); do
	cached+=("$(elapsed "$work/nixgen" --quiet check "$mod")")
	rehash+=("$(elapsed "$work/nixgen" --quiet check --rehash "$mod")")
done
c=$(printf '%s\n' "${cached[@]}" | median)
r=$(printf '%s\n' "${rehash[@]}" | median)
printf 'Go module with %d dependencies, warm module cache, median of %d\n' "$deps" "$runs"
printf '  nixgen check (recorded vendorHash) %.3f s\n' "$c"
printf '  nixgen check --rehash (go mod vendor) %.3f s\n' "$r"
printf '  ratio %.1fx\n' "$(echo "$r / $c" | bc -l)"
