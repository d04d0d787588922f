package cargo

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/rustsrc"
)

// sandboxTests reads every member's tests (unit tests in its sources,
// integration tests in tests/) for those the Nix build sandbox cannot run,
// named as libtest filters them.
func sandboxTests(fsys fs.FS, members []member) ([]model.SkippedTest, []string, error) {
	var files []rustsrc.TestFile
	var warnings []string
	for _, mb := range members {
		if mb.m.Package == nil {
			continue
		}
		roots := crateRoots(mb)
		var tests []string // [[test]] targets' files
		for _, t := range mb.m.Test {
			tests = append(tests, path.Clean(t.Path))
		}
		script := mb.m.buildScript(fsys, mb.dir)
		err := fs.WalkDir(fsys, mb.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p == mb.dir {
					return nil
				}
				if skipDir(d.Name()) || d.Name() == "benches" || d.Name() == "examples" {
					return fs.SkipDir
				}
				if _, err := fs.Stat(fsys, path.Join(p, "Cargo.toml")); err == nil {
					return fs.SkipDir // another crate
				}
				return nil
			}
			rel := strings.TrimPrefix(p, mb.dir+"/")
			if mb.dir == "." {
				rel = p
			}
			if !strings.HasSuffix(p, ".rs") || rel == script {
				return nil
			}
			data, err := projfs.ReadFile(fsys, p)
			if skip, ok := projfs.Skipped(err); ok {
				warnings = append(warnings, skip.Error())
				return nil
			}
			if err != nil {
				return err
			}
			// Integration tests' helpers need not say "test"; in the
			// sources, code a test runs does.
			if !strings.HasPrefix(rel, "tests/") && !bytes.Contains(data, []byte("test")) {
				return nil
			}
			files = append(files, rustsrc.TestFile{File: rustsrc.File{Path: p, Src: data}, Crate: mb.m.Package.Name, Module: testModule(rel, roots, func(r string) bool {
				_, err := fs.Stat(fsys, path.Join(mb.dir, r))
				return err == nil
			}), Test: strings.HasPrefix(rel, "tests/") || slices.Contains(tests, rel)})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("reading the tests of %s: %w", mb.dir, err)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	skipped, err := rustsrc.SandboxTests(files)
	return skipped, warnings, err
}

// crateRoots are the root files of a member's targets that a manifest
// names, relative to the member; the conventional ones (src/lib.rs,
// src/main.rs, src/bin/*, tests/*) are known by their paths.
func crateRoots(mb member) []string {
	var roots []string
	if mb.m.Lib != nil && mb.m.Lib.Path != "" {
		roots = append(roots, path.Clean(mb.m.Lib.Path))
	}
	for _, t := range append(append([]target(nil), mb.m.Bin...), mb.m.Test...) {
		if t.Path != "" {
			roots = append(roots, path.Clean(t.Path))
		}
	}
	return roots
}

// testModule is the module path, in its test binary, of the items of the
// file at rel (relative to its crate): "" for a target's root file,
// "db::pool" for src/db/pool.rs or src/db/pool/mod.rs. exists tells
// whether a file of the crate exists.
func testModule(rel string, roots []string, exists func(rel string) bool) string {
	parts := strings.Split(rel, "/")
	for _, r := range roots {
		if rel == r {
			return ""
		}
	}
	switch {
	case rel == "src/lib.rs" || rel == "src/main.rs":
		return ""
	case len(parts) == 3 && parts[0] == "src" && parts[1] == "bin", len(parts) == 2 && parts[0] == "tests":
		return "" // src/bin/x.rs, tests/x.rs
	case len(parts) == 4 && parts[0] == "src" && parts[1] == "bin" && parts[3] == "main.rs",
		len(parts) == 3 && parts[0] == "tests" && parts[2] == "main.rs":
		return ""
	}
	// The directory of the target root the file belongs to: the deepest
	// one that holds it.
	dirs := []string{"src"}
	for _, r := range roots {
		dirs = append(dirs, path.Dir(r))
	}
	switch {
	case len(parts) > 3 && parts[0] == "src" && parts[1] == "bin":
		dirs = append(dirs, "src/bin/"+parts[2])
	case len(parts) > 2 && parts[0] == "tests" && exists("tests/"+parts[1]+"/main.rs"):
		dirs = append(dirs, "tests/"+parts[1])
	case parts[0] == "tests":
		dirs = append(dirs, "tests")
	}
	base := ""
	for _, d := range dirs {
		if (d == "." || strings.HasPrefix(rel, d+"/")) && (base == "" || len(d) > len(base)) {
			base = d
		}
	}
	mod := rel
	if base != "" && base != "." {
		mod = strings.TrimPrefix(rel, base+"/")
	}
	mod = strings.TrimSuffix(strings.TrimSuffix(mod, ".rs"), "/mod")
	return strings.ReplaceAll(mod, "/", "::")
}
