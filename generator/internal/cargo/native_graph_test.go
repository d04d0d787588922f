package cargo

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestCompiledCrates checks which locked crates count as compiled: only
// those the default package's enabled features reach.
func TestCompiledCrates(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": {Data: []byte(`
[workspace]
members = ["app", "db", "tool"]
[workspace.dependencies]
rusqlite = { version = "0.31", features = ["backup"] }
`)},
		"app/Cargo.toml": {Data: []byte(`
[package]
name = "app"
[features]
default = ["tls", "db/sqlite"]
tls = ["dep:openssl"]
postgres = ["diesel/postgres"]
rustls = ["awc/rustls"]
openssl-awc = ["awc/openssl"]
[dependencies]
db = { path = "../db", default-features = false }
openssl = { version = "0.10", optional = true }
awc = "3"
diesel = "2"
reqwest = { version = "0.12", default-features = false }
[dev-dependencies]
onig = "6"
[target.'cfg(windows)'.dependencies]
windows-thing = "1"
`)},
		"db/Cargo.toml": {Data: []byte(`
[package]
name = "db"
[features]
default = ["bundled"]
bundled = ["rusqlite?/bundled"]
sqlite = ["dep:rusqlite"]
[dependencies]
rusqlite = { workspace = true, optional = true }
`)},
		"tool/Cargo.toml": {Data: []byte(`
[package]
name = "tool"
[dependencies]
git2 = "0.19"
`)},
		"Cargo.lock": {Data: []byte(`
version = 3
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["awc", "db", "diesel", "onig", "openssl", "reqwest", "windows-thing"]
[[package]]
name = "db"
version = "0.1.0"
dependencies = ["rusqlite"]
[[package]]
name = "tool"
version = "0.1.0"
dependencies = ["git2"]
[[package]]
name = "awc"
version = "3.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["openssl 0.9.0", "actix-tls"]
[[package]]
name = "actix-tls"
version = "3.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["tokio-openssl"]
[[package]]
name = "tokio-openssl"
version = "0.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "openssl"
version = "0.9.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["openssl-sys"]
[[package]]
name = "openssl"
version = "0.10.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["openssl-sys"]
[[package]]
name = "openssl-sys"
version = "0.9.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "diesel"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["pq-sys"]
[[package]]
name = "pq-sys"
version = "0.4.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "reqwest"
version = "0.12.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["native-tls"]
[[package]]
name = "native-tls"
version = "0.2.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "onig"
version = "6.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "windows-thing"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "rusqlite"
version = "0.31.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["libsqlite3-sys"]
[[package]]
name = "libsqlite3-sys"
version = "0.28.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "git2"
version = "0.19.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`)},
	}
	root, err := readManifest(fsys, "Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	members, _, err := findMembers(fsys, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	lock, err := readLock(fsys, "Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}

	g, ok := loadFeatureGraph(fsys, members)
	if !ok {
		t.Fatal("loadFeatureGraph failed")
	}
	b := compiledCrates(g, lock, []featureStart{{name: "app"}})
	// Left out: tool (not a dependency of app), onig (dev), windows-thing
	// (another system), pq-sys (diesel/postgres is off), native-tls
	// (reqwest without defaults), tokio-openssl (actix-tls/openssl is off).
	// openssl 0.9 is in because app's own openssl 0.10 is: the crate name
	// is what the table reads.
	want := []string{"actix-tls", "app", "awc", "db", "diesel", "libsqlite3-sys", "openssl", "openssl-sys", "reqwest", "rusqlite"}
	if diff := cmp.Diff(want, sortedKeys(b.crates)); diff != "" {
		t.Errorf("compiled crates (-want +got):\n%s", diff)
	}
	// db's default features are off, so rusqlite?/bundled is not requested;
	// the workspace's rusqlite features are.
	if diff := cmp.Diff([]string{"rusqlite/backup"}, sortedKeys(b.features)); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
	if b.direct["git2"] || !b.direct["openssl"] {
		t.Errorf("direct = %v, want openssl and not git2", b.direct)
	}

	// Without a default package every locked dependency counts.
	all := compiledCrates(g, lock, nil)
	if !all.crates["git2"] || !all.crates["pq-sys"] || !all.crates["onig"] {
		t.Errorf("without a default package: %v lacks git2, pq-sys or onig", sortedKeys(all.crates))
	}
}

func TestResolveFeaturesWeak(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": {Data: []byte(`
[package]
name = "app"
[features]
default = ["fast", "store"]
fast = ["rusqlite?/bundled"]
store = ["dep:rusqlite"]
[dependencies]
rusqlite = { version = "0.31", optional = true }
`)},
	}
	root, err := readManifest(fsys, "Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	members, _, err := findMembers(fsys, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := resolveFeatures(fsys, members, []string{"app"})
	if !ok {
		t.Fatal("resolveFeatures failed")
	}
	if !r.features["rusqlite/bundled"] || !r.direct["app"]["rusqlite"] {
		t.Errorf("a weak feature on a dependency enabled later: features %v, direct %v", r.features, r.direct)
	}
}

func TestLinuxTarget(t *testing.T) {
	for spec, want := range map[string]bool{
		`cfg(windows)`:                   false,
		`cfg(target_os = "macos")`:       false,
		`cfg(unix)`:                      true,
		`cfg(not(windows))`:              true,
		`cfg(target_os = "linux")`:       true,
		`x86_64-pc-windows-msvc`:         false,
		`cfg(target_arch = "wasm32")`:    false,
		`cfg(any(unix, windows))`:        true,
		`cfg(target_pointer_width="64")`: true,
	} {
		if got := linuxTarget(spec); got != want {
			t.Errorf("linuxTarget(%q) = %v, want %v", spec, got, want)
		}
	}
}

func TestVersionBelow(t *testing.T) {
	for _, tc := range []struct {
		v, limit string
		want     bool
	}{{"0.12.9", "0.13", true}, {"0.13.0", "0.13", false}, {"0.13.1-rc.1", "0.13", false}, {"1.0.0", "0.13", false}} {
		if got := versionBelow(tc.v, tc.limit); got != tc.want {
			t.Errorf("versionBelow(%q, %q) = %v", tc.v, tc.limit, got)
		}
	}
}

// TestOfferedSystemLibrary: a member that uses zstd itself gets the
// system zstd, unless the project offers it behind a feature of its own
// that the build leaves off (garage's system-libs).
func TestOfferedSystemLibrary(t *testing.T) {
	lock := `
version = 3
[[package]]
name = "store"
version = "0.1.0"
dependencies = ["zstd"]
[[package]]
name = "zstd"
version = "0.13.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["zstd-safe"]
[[package]]
name = "zstd-safe"
version = "7.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["zstd-sys"]
[[package]]
name = "zstd-sys"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`
	for _, tc := range []struct {
		name, features string
		want           []string
	}{
		{"uses zstd", "", []string{"zstd"}},
		{"offers the system zstd, off", "[features]\nsystem-libs = [\"zstd/pkg-config\"]\n", nil},
		{"offers the system zstd, on", "[features]\ndefault = [\"system-libs\"]\nsystem-libs = [\"zstd/pkg-config\"]\n", []string{"zstd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"Cargo.toml": {Data: []byte("[package]\nname = \"store\"\n" + tc.features + "[dependencies]\nzstd = { version = \"0.13\", default-features = false }\n")},
				"Cargo.lock": {Data: []byte(lock)},
			}
			root, err := readManifest(fsys, "Cargo.toml")
			if err != nil {
				t.Fatal(err)
			}
			members, _, err := findMembers(fsys, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			l, err := readLock(fsys, "Cargo.lock")
			if err != nil {
				t.Fatal(err)
			}
			g, ok := loadFeatureGraph(fsys, members)
			if !ok {
				t.Fatal("loadFeatureGraph failed")
			}
			got := nativeDeps(compiledCrates(g, l, []featureStart{{name: "store"}})).native.BuildInputs
			if diff := cmp.Diff(tc.want, got, cmpEmpty); diff != "" {
				t.Errorf("buildInputs (-want +got):\n%s", diff)
			}
		})
	}
}
