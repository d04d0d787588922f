package cargo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestNativeRules has one case per row of nativeRules, and the cases that
// switch a row off.
func TestNativeRules(t *testing.T) {
	tested := map[string]bool{}
	darwin := []string{"libiconv"}
	for _, tc := range []struct {
		name     string
		locked   []string
		features []string
		want     nativeResult
	}{
		{name: "none", want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "openssl", locked: []string{"openssl-sys", "native-tls"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"openssl"}, DarwinBuildInputs: darwin}}},
		{name: "openssl vendored", locked: []string{"openssl-sys", "openssl-src"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "sqlite", locked: []string{"libsqlite3-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"sqlite"}, DarwinBuildInputs: darwin}}},
		{name: "sqlite bundled by rusqlite", locked: []string{"libsqlite3-sys"}, features: []string{"rusqlite/bundled"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "sqlite bundled by sqlx", locked: []string{"libsqlite3-sys"}, features: []string{"sqlx/sqlite"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "zlib", locked: []string{"libz-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"zlib"}, DarwinBuildInputs: darwin}}},
		{name: "zlib static", locked: []string{"libz-sys"}, features: []string{"libz-sys/static"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "zstd", locked: []string{"zstd-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"zstd"}, DarwinBuildInputs: darwin},
				env: []model.EnvVar{{Name: "ZSTD_SYS_USE_PKG_CONFIG", Value: "true"}}}},
		{name: "bzip2", locked: []string{"bzip2-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"bzip2"}, DarwinBuildInputs: darwin}}},
		{name: "lzma", locked: []string{"lzma-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"xz"}, DarwinBuildInputs: darwin}}},
		{name: "libgit2", locked: []string{"libgit2-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"libgit2", "zlib"}, DarwinBuildInputs: darwin}}},
		{name: "curl", locked: []string{"curl-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"curl"}, DarwinBuildInputs: darwin}}},
		{name: "prost", locked: []string{"prost-build"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"protobuf"}, DarwinBuildInputs: darwin}}},
		{name: "tonic and prost share protobuf", locked: []string{"prost-build", "tonic-build"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"protobuf"}, DarwinBuildInputs: darwin}}},
		{name: "prost with vendored protoc", locked: []string{"prost-build", "protoc-bin-vendored"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}}},
		{name: "bindgen", locked: []string{"bindgen"},
			want: nativeResult{native: model.Native{DarwinBuildInputs: darwin}, bindgen: true}},
		{name: "cmake", locked: []string{"cmake"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"cmake"}, DarwinBuildInputs: darwin},
				env: []model.EnvVar{{Name: "dontUseCmakeConfigure", Value: "true"}}}},
		{name: "udev", locked: []string{"libudev-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, LinuxBuildInputs: []string{"udev"}, DarwinBuildInputs: darwin}}},
		{name: "alsa", locked: []string{"alsa-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, LinuxBuildInputs: []string{"alsa-lib"}, DarwinBuildInputs: darwin}}},
		{name: "libpq", locked: []string{"pq-sys"},
			want: nativeResult{native: model.Native{NativeBuildInputs: []string{"pkg-config"}, BuildInputs: []string{"libpq"}, DarwinBuildInputs: darwin}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			locked, features := map[string]bool{}, map[string]bool{}
			for _, c := range tc.locked {
				locked[c] = true
				tested[c] = true
			}
			for _, f := range tc.features {
				features[f] = true
			}
			got := nativeDeps(locked, features)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(nativeResult{})); diff != "" {
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
