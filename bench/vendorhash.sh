#!/usr/bin/env bash
# Times nixgen's native vendorHash for a Go module with 50+ dependencies
# (warm module cache) against a stand-in for the fixed-output step of the
# usual Nix loop: `go mod vendor` with an empty module cache, as buildGoModule's
# goModules derivation runs it inside the sandbox. The Nix loop itself (emit
# lib.fakeHash, build, copy the `got:` hash, build again) cannot run here; its
# steps are listed in the README.
#
# Usage: bench/vendorhash.sh [RUNS]   (needs the Go module proxy)
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

go build -o "$work/nixgen" "$root/cmd/nixgen"

mod="$work/mod"
mkdir -p "$mod"
cat >"$mod/go.mod" <<'GOMOD'
module example.com/bench

go 1.26
GOMOD
cat >"$mod/main.go" <<'GO'
package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"go.uber.org/zap"
)

func main() {
	log, _ := zap.NewProduction()
	viper.AutomaticEnv()
	r := gin.New()
	r.GET("/metrics", gin.WrapH(promhttp.Handler()))
	cmd := &cobra.Command{Use: "bench", Run: func(*cobra.Command, []string) {
		log.Info("listening")
		_ = http.ListenAndServe(":8080", r)
	}}
	_ = cmd.Execute()
}
GO
(cd "$mod" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1)
deps=$(cd "$mod" && go list -m all | tail -n +2 | wc -l)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# Warm the cache once, and check the hash is stable.
first=$("$work/nixgen" --quiet init --dry-run --no-service "$mod" | sed -n 's/.*vendorHash = "\(.*\)";/\1/p')

ours=()
for _ in $(seq "$runs"); do
  t0=$(now)
  hash=$("$work/nixgen" --quiet init --dry-run --no-service "$mod" | sed -n 's/.*vendorHash = "\(.*\)";/\1/p')
  t1=$(now)
  [ "$hash" = "$first" ] || { echo "vendorHash changed between runs: $first vs $hash" >&2; exit 1; }
  ours+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
done

cold=()
for _ in $(seq "$runs"); do
  tmp=$(mktemp -d "$work/cold.XXXX")
  cp "$mod/go.mod" "$mod/go.sum" "$mod/main.go" "$tmp/"
  t0=$(now)
  (cd "$tmp" && GOMODCACHE="$tmp/cache" GOFLAGS='' GOTOOLCHAIN=local GOWORK=off go mod vendor 2>/dev/null)
  t1=$(now)
  cold+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
done

m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_cold=$(printf '%s\n' "${cold[@]}" | median)
printf 'module with %d dependencies, %d runs each (medians)\n' "$deps" "$runs"
printf '  nixgen vendorHash, warm cache:            %6.2f s   %s\n' "$m_ours" "$first"
printf '  go mod vendor, empty cache (FOD step):    %6.2f s\n' "$m_cold"
printf '  ratio: %.1fx, before the Nix loop adds two evaluations and a second build\n' "$(awk -v a="$m_cold" -v b="$m_ours" 'BEGIN {print a / b}')"
