package cargo

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// crate is a member's Cargo.toml.
func crate(name string) *fstest.MapFile { return file("[package]\nname = \"" + name + "\"\n") }

func TestFindMembersGlobs(t *testing.T) {
	tree := fstest.MapFS{
		"crates/a/Cargo.toml":               crate("a"),
		"crates/a/src/lib.rs":               file(""),
		"crates/group/b/Cargo.toml":         crate("b"),
		"crates/group/deep/c/Cargo.toml":    crate("c"),
		"crates/group/deep/c/src/lib.rs":    file(""),
		"crates/legacy/Cargo.toml":          crate("legacy"),
		"crates/legacy/inner/Cargo.toml":    crate("legacy-inner"),
		"crates/notacrate/README.md":        file(""),
		"crates/README.md":                  file(""),
		"tools/gen/Cargo.toml":              crate("gen"),
		"tools/{x}/Cargo.toml":              crate("braces"),
		"vendor/third/Cargo.toml":           crate("third"),
		"examples/demo/Cargo.toml":          crate("demo"),
		"examples/demo/sub/more/Cargo.toml": crate("demo-more"),
	}
	for _, tc := range []struct {
		name     string
		manifest string
		want     []string
	}{
		{
			name:     "double star finds crates at any depth",
			manifest: "[workspace]\nmembers = [\"crates/**\"]\n",
			want:     []string{"crates/a", "crates/group/b", "crates/group/deep/c", "crates/legacy", "crates/legacy/inner"},
		},
		{
			name:     "exclude covers the path and everything below it",
			manifest: "[workspace]\nmembers = [\"crates/**\"]\nexclude = [\"crates/legacy\"]\n",
			want:     []string{"crates/a", "crates/group/b", "crates/group/deep/c"},
		},
		{
			name:     "double star in the middle",
			manifest: "[workspace]\nmembers = [\"crates/**/c\", \"examples/**/more\"]\n",
			want:     []string{"crates/group/deep/c", "examples/demo/sub/more"},
		},
		{
			name:     "single star stays one level",
			manifest: "[workspace]\nmembers = [\"crates/*\"]\n",
			want:     []string{"crates/a", "crates/legacy"},
		},
		{
			name:     "a member named without a glob wins over exclude",
			manifest: "[workspace]\nmembers = [\"crates/*\", \"crates/legacy/inner\"]\nexclude = [\"crates/legacy\"]\n",
			want:     []string{"crates/a", "crates/legacy/inner"},
		},
		{
			name:     "double star alone takes every crate but the root",
			manifest: "[workspace]\nmembers = [\"**\"]\nexclude = [\"vendor\", \"examples\"]\n",
			want:     []string{"crates/a", "crates/group/b", "crates/group/deep/c", "crates/legacy", "crates/legacy/inner", "tools/gen", "tools/{x}"},
		},
		{
			name:     "braces are literal, as in Cargo",
			manifest: "[workspace]\nmembers = [\"t*/{x}\", \"t*/{gen,x}\"]\n",
			want:     []string{"tools/{x}"},
		},
		{
			name:     "character class and question mark",
			manifest: "[workspace]\nmembers = [\"tools/[g]e?\"]\n",
			want:     []string{"tools/gen"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"Cargo.toml": file(tc.manifest)}
			for k, v := range tree {
				fsys[k] = v
			}
			root, err := readManifest(fsys, "Cargo.toml")
			if err != nil {
				t.Fatal(err)
			}
			members, _, err := findMembers(fsys, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range members {
				got = append(got, m.dir)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindMembersGlobErrors(t *testing.T) {
	for _, tc := range []struct {
		manifest, want string
	}{
		{"[workspace]\nmembers = [\"crates/a**\"]\n", "** must be a whole path component"},
		{"[workspace]\nmembers = [\"crates/[a\"]\n", `workspace member pattern "crates/[a"`},
		{"[workspace]\nmembers = [\"missing\"]\n", `workspace member "missing" does not exist`},
	} {
		fsys := fstest.MapFS{"Cargo.toml": file(tc.manifest), "crates/a/Cargo.toml": crate("a")}
		root, err := readManifest(fsys, "Cargo.toml")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = findMembers(fsys, root, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error = %v, want it to say %q", tc.manifest, err, tc.want)
		}
	}
}

// A member, or a path dependency, in a submodule that is not checked out
// is not read and not an error: the build keeps its directory whole, and
// the submodule is marked as read by the build. One checked out is read
// like any member.
func TestDetectSubmoduleMembers(t *testing.T) {
	fsys := fstest.MapFS{
		"Cargo.toml": file(`[package]
name = "server"
version = "1.0.0"

[dependencies]
proto = { path = "vendor/proto" }
common = { path = "libs/common" }

[workspace]
members = ["libs/common", "vendor/tools/*"]
`),
		"Cargo.lock":              file(lockV4),
		"src/main.rs":             file("fn main() {}\n"),
		"libs/common":             {Mode: fs.ModeDir | 0o755}, // never initialised
		"vendor/proto/Cargo.toml": crate("proto"),
		"vendor/proto/src/lib.rs": file(""),
	}
	subs := []model.Submodule{{Path: "libs/common"}, {Path: "vendor/proto", CheckedOut: true}, {Path: "docs/theme"}}
	p, err := Detect(fsys, Options{Submodules: subs})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Submodule{{Path: "libs/common", Build: true}, {Path: "vendor/proto", CheckedOut: true, Build: true}, {Path: "docs/theme"}}
	if diff := cmp.Diff(want, p.Submodules); diff != "" {
		t.Errorf("submodules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"libs/common"}, p.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}

	// Without the submodule list, the missing member is still an error.
	if _, err := Detect(fsys, Options{}); err == nil || !strings.Contains(err.Error(), `workspace member "libs/common" has no Cargo.toml`) {
		t.Errorf("error = %v", err)
	}
}
