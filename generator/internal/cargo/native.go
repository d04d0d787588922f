package cargo

import "github.com/nixgen/nixgen/generator/internal/model"

// nativeRule says which nixpkgs inputs a compiled crate needs to build.
// Values are nixpkgs attribute paths; env values are Nix expressions, set
// as nixpkgs' own packages set them.
//
// A crate either links the system library by default (openssl-sys,
// pq-sys), so the rule applies unless the build bundles a copy, or builds
// its own copy by default (zstd-sys, libgit2-sys), so the rule applies only
// when the build asks for the system library, as nixpkgs' packages of
// programs that use the library themselves do.
type nativeRule struct {
	crate string

	// For a crate that links the system library by default: the build
	// bundles a copy instead when one of these "crate/feature" pairs is on,
	// or when one of bundledVia uses the crate (sqlx turns on bundled).
	bundledIfFeature []string
	bundledVia       []string
	// skipIfCompiled: another crate supplies the tool (protoc-bin-vendored).
	skipIfCompiled []string

	// vendors: the crate builds its own copy by default; it then needs the
	// inputs only when a compiled workspace member turns on one of
	// systemIfFeature, or uses one of systemIfDirect itself, unless the
	// project offers one of systemIfFeature behind a feature of its own
	// and leaves it off (it chose the bundled copy).
	vendors         bool
	systemIfDirect  []string
	systemIfFeature []string

	nativeBuildInputs []string
	buildInputs       []string
	linuxBuildInputs  []string
	env               []model.EnvVar
	bindgen           bool // runs bindgen, which needs libclang
}

func env(name, value string) []model.EnvVar { return []model.EnvVar{{Name: name, Value: value}} }

var pkgConfig = []string{"pkg-config"}

// noProtoc are crates that spare a build protoc: a vendored binary, or
// protox, a protobuf compiler in Rust.
var noProtoc = []string{"protoc-bin-vendored", "protox"}

// nativeRules is the one table of native dependencies. Add a row to support
// a new -sys crate; TestNativeRules has a case for every row. The comment on
// each row names the nixpkgs packages it was checked against.
//
// Darwin frameworks are deliberately absent: since nixpkgs 24.11 the default
// Darwin stdenv ships the macOS SDK, so crates such as security-framework
// link without darwin.apple_sdk.frameworks.* (which now only warn or throw).
var nativeRules = []nativeRule{
	// TLS and crypto.
	// garage, atuin, vaultwarden, rathole, microbin: openssl, and no vendored
	// copy even where openssl-src is locked.
	{crate: "openssl-sys", nativeBuildInputs: pkgConfig, buildInputs: []string{"openssl"},
		env: env("OPENSSL_NO_VENDOR", "1")},
	// garage, rustdesk-server: libsodium-sys builds its bundled libsodium
	// unless asked for pkg-config (garage's system-libs feature does).
	{crate: "libsodium-sys", vendors: true,
		systemIfFeature:   []string{"libsodium-sys/use-pkg-config", "sodiumoxide/use-pkg-config", "kuska-sodiumoxide/use-pkg-config"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"libsodium"}},
	// lldap, mollysocket, dufs: aws-lc-sys builds AWS-LC with cc, no cmake.
	{crate: "aws-lc-sys", vendors: true},
	// sequoia-sq: nettle through pkg-config, headers through bindgen.
	{crate: "nettle-sys", nativeBuildInputs: pkgConfig, buildInputs: []string{"nettle"}, bindgen: true},

	// Databases.
	// mollysocket, rustdesk-server: sqlite; microbin, lldap, atuin: bundled
	// (rusqlite's bundled feature, sqlx's sqlite feature).
	{crate: "libsqlite3-sys",
		bundledIfFeature: []string{"libsqlite3-sys/bundled", "libsqlite3-sys/bundled-sqlcipher",
			"libsqlite3-sys/bundled-sqlcipher-vendored-openssl", "rusqlite/bundled", "rusqlite/bundled-full",
			"rusqlite/bundled-sqlcipher", "rusqlite/bundled-sqlcipher-vendored-openssl", "sqlx/sqlite", "sqlx-sqlite/bundled"},
		bundledVia:        []string{"sqlx-sqlite", "sqlx-core"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"sqlite"}},
	// vaultwarden (postgresql backend), diesel-cli: libpq.
	{crate: "pq-sys", bundledIfFeature: []string{"pq-sys/bundled"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"libpq"}},
	// vaultwarden (mysql backend), diesel-cli: libmysqlclient.
	{crate: "mysqlclient-sys", bundledIfFeature: []string{"mysqlclient-sys/bundled"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"libmysqlclient"}},
	// matrix-conduit, surrealdb: the system RocksDB by directory.
	{crate: "librocksdb-sys", buildInputs: []string{"rocksdb"}, bindgen: true,
		env: []model.EnvVar{{Name: "ROCKSDB_INCLUDE_DIR", Value: `"${pkgs.rocksdb}/include"`},
			{Name: "ROCKSDB_LIB_DIR", Value: `"${pkgs.rocksdb}/lib"`}}},
	// garage: heed compiles LMDB with cc.
	{crate: "lmdb-rkv-sys", vendors: true},
	// meilisearch: as lmdb-rkv-sys.
	{crate: "lmdb-master-sys", vendors: true},

	// Compression: every one of these falls back to a bundled copy.
	// wastebin (uses zstd itself): system zstd; lldap, miniserve,
	// static-web-server, vaultwarden (through actix or async-compression):
	// bundled.
	{crate: "zstd-sys", vendors: true, systemIfDirect: []string{"zstd", "zstd-safe", "zstd-sys"},
		systemIfFeature:   []string{"zstd/pkg-config", "zstd-safe/pkg-config", "zstd-sys/pkg-config"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"zstd"}, env: env("ZSTD_SYS_USE_PKG_CONFIG", "true")},
	// rathole, static-web-server: bundled zlib.
	{crate: "libz-sys", vendors: true},
	// gitoxide: zlib-ng is built with cmake, which Cargo drives itself.
	{crate: "libz-ng-sys", nativeBuildInputs: []string{"cmake"}, env: env("dontUseCmakeConfigure", "true")},
	// vector (dynamic-linking): librdkafka from nixpkgs through pkg-config;
	// otherwise rdkafka-sys builds its own copy, with cmake when its
	// cmake-build feature is on (Cargo drives cmake itself).
	{crate: "rdkafka-sys", vendors: true, systemIfFeature: []string{"rdkafka/dynamic-linking", "rdkafka-sys/dynamic-linking"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"rdkafka"}},
	{crate: "rdkafka-sys", vendors: true, systemIfFeature: []string{"rdkafka/cmake-build", "rdkafka-sys/cmake-build"},
		nativeBuildInputs: []string{"cmake"}, env: env("dontUseCmakeConfigure", "true")},
	// microbin: bundled.
	{crate: "bzip2-sys", vendors: true},
	// microbin: bundled.
	{crate: "lzma-sys", vendors: true},
	// dufs: bundled.
	{crate: "liblzma-sys", vendors: true},
	// lz4-sys always compiles its bundled lz4 (qdrant lists nothing for it).
	{crate: "lz4-sys", vendors: true},
	// curl-sys' bundled nghttp2.
	{crate: "libnghttp2-sys", vendors: true},

	// Allocators.
	// ruff, uv: the nixpkgs build of jemalloc (its setup hook sets
	// JEMALLOC_OVERRIDE).
	{crate: "tikv-jemalloc-sys", buildInputs: []string{"rust-jemalloc-sys"}},
	// as tikv-jemalloc-sys, for the older crate.
	{crate: "jemalloc-sys", buildInputs: []string{"rust-jemalloc-sys"}},
	// vaultwarden, static-web-server: mimalloc compiled with cc.
	{crate: "libmimalloc-sys", vendors: true},

	// Version control and network clients.
	// gitui, eza, onefetch, biome (use git2 themselves): the system libgit2;
	// rathole, static-web-server (git2 only through vergen or shadow-rs to
	// stamp the version): bundled.
	{crate: "libgit2-sys", vendors: true, systemIfDirect: []string{"git2"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"libgit2"}, env: env("LIBGIT2_NO_VENDOR", "1")},
	// gitui, onefetch: bundled libssh2.
	{crate: "libssh2-sys", vendors: true},
	// hurl, cargo-update: libcurl.
	{crate: "curl-sys", bundledIfFeature: []string{"curl-sys/static-curl", "curl/static-curl"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"curl"}},
	// hurl: libxml2.
	{crate: "libxml", nativeBuildInputs: pkgConfig, buildInputs: []string{"libxml2"}},
	// sniffnet: libpcap.
	{crate: "pcap", buildInputs: []string{"libpcap"}},

	// Text.
	// bat, delta, microbin: the system oniguruma.
	{crate: "onig_sys", nativeBuildInputs: pkgConfig, buildInputs: []string{"oniguruma"},
		env: env("RUSTONIG_SYSTEM_LIBONIG", "true")},
	// ripgrep (with PCRE2): pcre2.
	{crate: "pcre2-sys", nativeBuildInputs: pkgConfig, buildInputs: []string{"pcre2"}},

	// Code generation at build time.
	// garage (telemetry-otlp): protoc for prost-build and tonic-build;
	// none when protoc-bin-vendored supplies it or protox compiles the
	// protos in Rust (atuin-daemon's build script skips the protoc run).
	{crate: "prost-build", skipIfCompiled: noProtoc, nativeBuildInputs: []string{"protobuf"}},
	// garage: as prost-build.
	{crate: "tonic-build", skipIfCompiled: noProtoc, nativeBuildInputs: []string{"protobuf"}},
	// tonic 0.14 split: as prost-build.
	{crate: "tonic-prost-build", skipIfCompiled: noProtoc, nativeBuildInputs: []string{"protobuf"}},
	// surrealdb, sequoia-sq: rustPlatform.bindgenHook.
	{crate: "bindgen", bindgen: true},

	// Linux system and desktop libraries.
	// probe-rs, rusb users: udev.
	{crate: "libudev-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"udev"}},
	// spotify-player, ncspot: alsa-lib.
	{crate: "alsa-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"alsa-lib"}},
	// spotifyd, ncspot: libpulseaudio.
	{crate: "libpulse-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"libpulseaudio"}},
	// spotify-player, bluetui: dbus.
	{crate: "libdbus-sys", bundledIfFeature: []string{"libdbus-sys/vendored", "dbus/vendored"},
		nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"dbus"}},
	// probe-rs: libusb1.
	{crate: "libusb1-sys", bundledIfFeature: []string{"libusb1-sys/vendored", "rusb/vendored"},
		nativeBuildInputs: pkgConfig, buildInputs: []string{"libusb1"}},
	// helvum, coppwr: pipewire, headers through bindgen.
	{crate: "libspa-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"pipewire"}, bindgen: true},
	// helvum, coppwr: as libspa-sys.
	{crate: "pipewire-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"pipewire"}, bindgen: true},
	// alacritty, wezterm: fontconfig.
	{crate: "yeslogic-fontconfig-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"fontconfig"}},
	// alacritty: freetype.
	{crate: "freetype-sys", nativeBuildInputs: pkgConfig, buildInputs: []string{"freetype"}},
	// youki: libseccomp.
	{crate: "libseccomp-sys", nativeBuildInputs: pkgConfig, linuxBuildInputs: []string{"libseccomp"}},
}

// nativeResult is what the table yields for one build.
type nativeResult struct {
	native  model.Native
	env     []model.EnvVar
	bindgen bool
}

// applies reports whether the rule's inputs are needed by build b.
func (rule nativeRule) applies(b nativeBuild) bool {
	if !b.crates[rule.crate] {
		return false
	}
	anyOf := func(names []string, set map[string]bool) bool {
		for _, n := range names {
			if set[n] {
				return true
			}
		}
		return false
	}
	if rule.vendors {
		if anyOf(rule.systemIfFeature, b.features) {
			return true
		}
		return anyOf(rule.systemIfDirect, b.direct) && !anyOf(rule.systemIfFeature, b.offered)
	}
	return !anyOf(rule.bundledIfFeature, b.features) && !anyOf(rule.bundledVia, b.dependents[rule.crate]) &&
		!anyOf(rule.skipIfCompiled, b.crates)
}

// nativeDeps applies the table to the crates build b compiles.
func nativeDeps(b nativeBuild) nativeResult {
	var r nativeResult
	envSeen := map[string]bool{}
	for _, rule := range nativeRules {
		if !rule.applies(b) {
			continue
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
