package cargo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestNativeRules has one case per row of nativeRules, and the cases that
// switch a row off or on.
func TestNativeRules(t *testing.T) {
	type want struct {
		native, build, linux []string
		env                  []model.EnvVar
		bindgen              bool
	}
	pc := []string{"pkg-config"}
	tested := map[string]bool{}
	for _, tc := range []struct {
		name     string
		crates   []string          // compiled
		direct   []string          // used by a compiled member itself
		features []string          // "crate/feature" switched on by the members
		offered  []string          // "crate/feature" some compiled member's [features] can switch on
		users    map[string]string // crate -> a compiled crate that uses it
		want     want
	}{
		{name: "none"},
		{name: "openssl", crates: []string{"openssl-sys", "native-tls"},
			want: want{native: pc, build: []string{"openssl"}, env: env("OPENSSL_NO_VENDOR", "1")}},
		{name: "openssl-src locked: nixpkgs still links the system openssl", crates: []string{"openssl-sys", "openssl-src"},
			want: want{native: pc, build: []string{"openssl"}, env: env("OPENSSL_NO_VENDOR", "1")}},
		{name: "libsodium bundled", crates: []string{"libsodium-sys"}},
		{name: "libsodium through pkg-config", crates: []string{"libsodium-sys"}, features: []string{"kuska-sodiumoxide/use-pkg-config"},
			want: want{native: pc, build: []string{"libsodium"}}},
		{name: "aws-lc-sys", crates: []string{"aws-lc-sys", "cmake"}},
		{name: "nettle", crates: []string{"nettle-sys"}, want: want{native: pc, build: []string{"nettle"}, bindgen: true}},
		{name: "sqlite", crates: []string{"libsqlite3-sys"}, want: want{native: pc, build: []string{"sqlite"}}},
		{name: "sqlite bundled by rusqlite", crates: []string{"libsqlite3-sys"}, features: []string{"rusqlite/bundled"}},
		{name: "sqlite bundled by sqlx", crates: []string{"libsqlite3-sys", "sqlx-sqlite"}, users: map[string]string{"libsqlite3-sys": "sqlx-sqlite"}},
		{name: "libpq", crates: []string{"pq-sys"}, want: want{native: pc, build: []string{"libpq"}}},
		{name: "libpq bundled", crates: []string{"pq-sys"}, features: []string{"pq-sys/bundled"}},
		{name: "mysql", crates: []string{"mysqlclient-sys"}, want: want{native: pc, build: []string{"libmysqlclient"}}},
		{name: "rocksdb", crates: []string{"librocksdb-sys"}, want: want{build: []string{"rocksdb"}, bindgen: true,
			env: []model.EnvVar{{Name: "ROCKSDB_INCLUDE_DIR", Value: `"${pkgs.rocksdb}/include"`}, {Name: "ROCKSDB_LIB_DIR", Value: `"${pkgs.rocksdb}/lib"`}}}},
		{name: "lmdb", crates: []string{"lmdb-rkv-sys"}},
		{name: "lmdb master", crates: []string{"lmdb-master-sys"}},
		{name: "zstd bundled", crates: []string{"zstd-sys"}},
		{name: "zstd used directly", crates: []string{"zstd-sys", "zstd"}, direct: []string{"zstd"},
			want: want{native: pc, build: []string{"zstd"}, env: env("ZSTD_SYS_USE_PKG_CONFIG", "true")}},
		{name: "zstd asked for pkg-config", crates: []string{"zstd-sys"}, features: []string{"zstd/pkg-config"},
			want: want{native: pc, build: []string{"zstd"}, env: env("ZSTD_SYS_USE_PKG_CONFIG", "true")}},
		{name: "zstd used directly, system zstd offered behind an unused feature (garage's system-libs)",
			crates: []string{"zstd-sys", "zstd"}, direct: []string{"zstd"}, offered: []string{"zstd/pkg-config"}},
		{name: "zstd used directly, system zstd offered and on", crates: []string{"zstd-sys", "zstd"}, direct: []string{"zstd"},
			offered: []string{"zstd/pkg-config"}, features: []string{"zstd/pkg-config"},
			want: want{native: pc, build: []string{"zstd"}, env: env("ZSTD_SYS_USE_PKG_CONFIG", "true")}},
		{name: "zlib", crates: []string{"libz-sys"}},
		{name: "zlib-ng", crates: []string{"libz-ng-sys"}, want: want{native: []string{"cmake"}, env: env("dontUseCmakeConfigure", "true")}},
		{name: "rdkafka bundled", crates: []string{"rdkafka-sys"}},
		{name: "rdkafka from nixpkgs", crates: []string{"rdkafka-sys"}, features: []string{"rdkafka/dynamic-linking"},
			want: want{native: pc, build: []string{"rdkafka"}}},
		{name: "rdkafka built with cmake", crates: []string{"rdkafka-sys"}, features: []string{"rdkafka/cmake-build"},
			want: want{native: []string{"cmake"}, env: env("dontUseCmakeConfigure", "true")}},
		{name: "bzip2", crates: []string{"bzip2-sys"}},
		{name: "lzma", crates: []string{"lzma-sys"}},
		{name: "liblzma", crates: []string{"liblzma-sys"}},
		{name: "lz4", crates: []string{"lz4-sys"}},
		{name: "nghttp2", crates: []string{"libnghttp2-sys"}},
		{name: "jemalloc", crates: []string{"tikv-jemalloc-sys"}, want: want{build: []string{"rust-jemalloc-sys"}}},
		{name: "jemalloc, older crate", crates: []string{"jemalloc-sys"}, want: want{build: []string{"rust-jemalloc-sys"}}},
		{name: "mimalloc", crates: []string{"libmimalloc-sys"}},
		{name: "libgit2 for a version stamp", crates: []string{"libgit2-sys", "git2", "vergen"}},
		{name: "libgit2 used directly", crates: []string{"libgit2-sys", "git2"}, direct: []string{"git2"},
			want: want{native: pc, build: []string{"libgit2"}, env: env("LIBGIT2_NO_VENDOR", "1")}},
		{name: "libssh2", crates: []string{"libssh2-sys"}},
		{name: "curl", crates: []string{"curl-sys"}, want: want{native: pc, build: []string{"curl"}}},
		{name: "curl static", crates: []string{"curl-sys"}, features: []string{"curl/static-curl"}},
		{name: "libxml2", crates: []string{"libxml"}, want: want{native: pc, build: []string{"libxml2"}}},
		{name: "pcap", crates: []string{"pcap"}, want: want{build: []string{"libpcap"}}},
		{name: "oniguruma", crates: []string{"onig_sys"},
			want: want{native: pc, build: []string{"oniguruma"}, env: env("RUSTONIG_SYSTEM_LIBONIG", "true")}},
		{name: "pcre2", crates: []string{"pcre2-sys"}, want: want{native: pc, build: []string{"pcre2"}}},
		{name: "prost", crates: []string{"prost-build"}, want: want{native: []string{"protobuf"}}},
		{name: "tonic and prost share protobuf", crates: []string{"prost-build", "tonic-build"}, want: want{native: []string{"protobuf"}}},
		{name: "tonic-prost-build", crates: []string{"tonic-prost-build"}, want: want{native: []string{"protobuf"}}},
		{name: "prost with vendored protoc", crates: []string{"prost-build", "protoc-bin-vendored"}},
		{name: "protos compiled by protox, protoc never run (atuin-daemon)", crates: []string{"tonic-prost-build", "prost-build", "tonic-build", "protox"}},
		{name: "bindgen", crates: []string{"bindgen"}, want: want{bindgen: true}},
		{name: "udev", crates: []string{"libudev-sys"}, want: want{native: pc, linux: []string{"udev"}}},
		{name: "alsa", crates: []string{"alsa-sys"}, want: want{native: pc, linux: []string{"alsa-lib"}}},
		{name: "pulseaudio", crates: []string{"libpulse-sys"}, want: want{native: pc, linux: []string{"libpulseaudio"}}},
		{name: "dbus", crates: []string{"libdbus-sys"}, want: want{native: pc, linux: []string{"dbus"}}},
		{name: "dbus vendored", crates: []string{"libdbus-sys"}, features: []string{"dbus/vendored"}},
		{name: "libusb", crates: []string{"libusb1-sys"}, want: want{native: pc, build: []string{"libusb1"}}},
		{name: "pipewire", crates: []string{"pipewire-sys", "libspa-sys"}, want: want{native: pc, linux: []string{"pipewire"}, bindgen: true}},
		{name: "fontconfig", crates: []string{"yeslogic-fontconfig-sys"}, want: want{native: pc, linux: []string{"fontconfig"}}},
		{name: "freetype", crates: []string{"freetype-sys"}, want: want{native: pc, build: []string{"freetype"}}},
		{name: "seccomp", crates: []string{"libseccomp-sys"}, want: want{native: pc, linux: []string{"libseccomp"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := nativeBuild{crates: set(tc.crates), direct: set(tc.direct), features: set(tc.features),
				offered: set(tc.offered), dependents: map[string]map[string]bool{}}
			for c, user := range tc.users {
				b.dependents[c] = map[string]bool{user: true}
			}
			for _, c := range tc.crates {
				tested[c] = true
			}
			got := nativeDeps(b)
			w := nativeResult{native: model.Native{NativeBuildInputs: tc.want.native, BuildInputs: tc.want.build,
				LinuxBuildInputs: tc.want.linux, DarwinBuildInputs: []string{"libiconv"}}, env: tc.want.env, bindgen: tc.want.bindgen}
			if diff := cmp.Diff(w, got, cmp.AllowUnexported(nativeResult{}), cmpEmpty); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, r := range nativeRules {
		if !tested[r.crate] {
			t.Errorf("nativeRules has a row for %s but TestNativeRules has no case for it", r.crate)
		}
	}
}

// cmpEmpty treats a nil and an empty slice alike.
var cmpEmpty = cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Comparer(func(a, b []string) bool { return true }))

func set(items []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range items {
		m[s] = true
	}
	return m
}
