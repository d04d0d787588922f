package cargo

import "github.com/nixgen/nixgen/generator/internal/model"

// nativeRule says which nixpkgs inputs a locked crate needs to build.
// Values are nixpkgs attribute paths; env values are Nix expressions.
type nativeRule struct {
	crate string
	// skipIfLocked: the rule does not apply when one of these crates is
	// locked too (e.g. openssl-src means openssl-sys builds its own copy).
	skipIfLocked []string
	// skipIfFeature: the rule does not apply when a manifest enables one of
	// these "crate/feature" pairs (e.g. rusqlite/bundled compiles SQLite in).
	skipIfFeature []string

	nativeBuildInputs []string
	buildInputs       []string
	linuxBuildInputs  []string
	env               []model.EnvVar
	bindgen           bool // needs libclang at build time
}

// nativeRules is the one table of native dependencies. Add a row to support
// a new -sys crate; TestNativeRules has a case for every row.
//
// Darwin frameworks are deliberately absent: since nixpkgs 24.11 the default
// Darwin stdenv ships the macOS SDK, so crates such as security-framework
// link without darwin.apple_sdk.frameworks.* (which now only warn or throw).
var nativeRules = []nativeRule{
	{crate: "openssl-sys", skipIfLocked: []string{"openssl-src"},
		nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"openssl"}},
	{crate: "libsqlite3-sys",
		skipIfFeature: []string{"libsqlite3-sys/bundled", "rusqlite/bundled", "rusqlite/bundled-full",
			"rusqlite/bundled-sqlcipher", "sqlx/sqlite", "sqlx-sqlite/bundled"},
		nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"sqlite"}},
	{crate: "libz-sys", skipIfFeature: []string{"libz-sys/static"},
		nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"zlib"}},
	{crate: "zstd-sys",
		nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"zstd"},
		env: []model.EnvVar{{Name: "ZSTD_SYS_USE_PKG_CONFIG", Value: "true"}}},
	{crate: "bzip2-sys", nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"bzip2"}},
	{crate: "lzma-sys", nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"xz"}},
	{crate: "libgit2-sys", nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"libgit2", "zlib"}},
	{crate: "curl-sys", nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"curl"}},
	{crate: "prost-build", skipIfLocked: []string{"protoc-bin-vendored"}, nativeBuildInputs: []string{"protobuf"}},
	{crate: "tonic-build", skipIfLocked: []string{"protoc-bin-vendored"}, nativeBuildInputs: []string{"protobuf"}},
	{crate: "bindgen", bindgen: true},
	// cmake's setup hook would take over configurePhase; Cargo drives cmake itself.
	{crate: "cmake", nativeBuildInputs: []string{"cmake"},
		env: []model.EnvVar{{Name: "dontUseCmakeConfigure", Value: "true"}}},
	{crate: "libudev-sys", nativeBuildInputs: []string{"pkg-config"}, linuxBuildInputs: []string{"udev"}},
	{crate: "alsa-sys", nativeBuildInputs: []string{"pkg-config"}, linuxBuildInputs: []string{"alsa-lib"}},
	{crate: "pq-sys", nativeBuildInputs: []string{"pkg-config"}, buildInputs: []string{"libpq"}},
}

// nativeResult is what the table yields for one lock file.
type nativeResult struct {
	native  model.Native
	env     []model.EnvVar
	bindgen bool
}

// nativeDeps applies the table to the locked crate names and the
// "crate/feature" pairs enabled anywhere in the workspace's manifests.
func nativeDeps(locked map[string]bool, features map[string]bool) nativeResult {
	var r nativeResult
	envSeen := map[string]bool{}
rules:
	for _, rule := range nativeRules {
		if !locked[rule.crate] {
			continue
		}
		for _, c := range rule.skipIfLocked {
			if locked[c] {
				continue rules
			}
		}
		for _, f := range rule.skipIfFeature {
			if features[f] {
				continue rules
			}
		}
		r.native.NativeBuildInputs = append(r.native.NativeBuildInputs, rule.nativeBuildInputs...)
		r.native.BuildInputs = append(r.native.BuildInputs, rule.buildInputs...)
		r.native.LinuxBuildInputs = append(r.native.LinuxBuildInputs, rule.linuxBuildInputs...)
		for _, e := range rule.env {
			if !envSeen[e.Name] {
				envSeen[e.Name] = true
				r.env = append(r.env, e)
			}
		}
		r.bindgen = r.bindgen || rule.bindgen
	}
	// Rust's std links libiconv on Darwin.
	r.native.DarwinBuildInputs = []string{"libiconv"}
	r.native.NativeBuildInputs = model.SortStrings(r.native.NativeBuildInputs)
	r.native.BuildInputs = model.SortStrings(r.native.BuildInputs)
	r.native.LinuxBuildInputs = model.SortStrings(r.native.LinuxBuildInputs)
	return r
}
