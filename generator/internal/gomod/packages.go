package gomod

import (
	"cmp"
	"errors"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// pkg is one package of the main module as a linux/amd64 cgo build sees it.
type pkg struct {
	Dir        string   // slash-separated, relative to the root
	ImportPath string   // module path + "/" + Dir
	Name       string   // package clause
	Files      []string // non-test .go files that build, relative to the root, sorted
	CgoFiles   []string // the subset of Files that import "C"
	Imports    []string // imports of Files, sorted
	// Embeds are the //go:embed patterns of Files, in file order.
	Embeds []embedPattern
	// Other are the files besides Go's the package compiles: C, C++,
	// Objective-C and Fortran sources, headers, assembly, .syso objects
	// and SWIG files, relative to the root, sorted.
	Other []string
}

// buildContext evaluates build constraints the way buildGoModule's default
// build does on x86_64-linux: GOOS=linux, GOARCH=amd64, cgo enabled. File
// access goes through fsys and projfs, so nothing outside the tree is
// read: a directory listing leaves out what projfs would not read (a
// FIFO, a symlink out of the tree), telling warn.
func buildContext(fsys fs.FS, warn func(string)) *build.Context {
	ctx := build.Default
	ctx.GOOS = "linux"
	ctx.GOARCH = "amd64"
	ctx.CgoEnabled = true
	ctx.Compiler = "gc"
	ctx.GOROOT = ""
	ctx.GOPATH = ""
	ctx.BuildTags = nil
	ctx.ToolTags = []string{"amd64.v1"}
	ctx.UseAllFiles = false
	ctx.Dir = ""
	ctx.JoinPath = path.Join
	ctx.SplitPathList = func(string) []string { return nil }
	ctx.IsAbsPath = path.IsAbs
	ctx.HasSubdir = func(root, dir string) (string, bool) { return "", false }
	ctx.IsDir = func(name string) bool {
		fi, err := fs.Stat(fsys, name)
		return err == nil && fi.IsDir()
	}
	ctx.ReadDir = func(dir string) ([]fs.FileInfo, error) {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, err
		}
		infos := make([]fs.FileInfo, 0, len(entries))
		for _, e := range entries {
			if !e.IsDir() { // go/build opens .go, .c, .s, .syso, ... files
				if skip, ok := projfs.Skipped(projfs.Check(fsys, path.Join(dir, e.Name()))); ok {
					warn(skip.Error())
					continue
				}
			}
			fi, err := e.Info()
			if err != nil {
				return nil, err
			}
			infos = append(infos, fi)
		}
		return infos, nil
	}
	ctx.OpenFile = func(name string) (io.ReadCloser, error) { return projfs.Open(fsys, name) }
	return &ctx
}

// loadPackages finds every package of the main module: directories below
// the root except vendor/, testdata/, names starting with "." or "_" (the
// go command's own rules) and nested modules (directories with a go.mod).
// The result is sorted by Dir.
func loadPackages(fsys fs.FS, ctx *build.Context, modulePath string) ([]*pkg, []testDir, error) {
	var pkgs []*pkg
	var tests []testDir
	err := fs.WalkDir(fsys, ".", func(dir string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		if !d.IsDir() {
			return nil
		}
		if dir != "." {
			name := d.Name()
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(dir, "go.mod")); err == nil {
				return fs.SkipDir
			}
		}
		bp, err := ctx.ImportDir(dir, 0)
		var noGo *build.NoGoError
		if errors.As(err, &noGo) {
			return nil
		}
		// go build accepts a package whose tests use cgo; only go test
		// refuses it, and tests are not built here.
		if err != nil && !strings.HasPrefix(err.Error(), "use of cgo in test ") {
			return packageError(dir, err)
		}
		if len(bp.TestGoFiles)+len(bp.XTestGoFiles) > 0 {
			t := testDir{Dir: dir}
			for _, f := range slices.Concat(bp.TestGoFiles, bp.XTestGoFiles) {
				t.Files = append(t.Files, path.Join(dir, f))
			}
			slices.Sort(t.Files)
			tests = append(tests, t)
		}
		if len(bp.GoFiles)+len(bp.CgoFiles) == 0 {
			return nil // tests only
		}
		p := &pkg{
			Dir:        dir,
			ImportPath: importPathOf(modulePath, dir),
			Name:       bp.Name,
			Imports:    slices.Clone(bp.Imports),
		}
		for _, f := range bp.GoFiles {
			p.Files = append(p.Files, path.Join(dir, f))
		}
		for _, f := range bp.CgoFiles {
			p.Files = append(p.Files, path.Join(dir, f))
			p.CgoFiles = append(p.CgoFiles, path.Join(dir, f))
		}
		for _, list := range [][]string{bp.CFiles, bp.CXXFiles, bp.MFiles, bp.HFiles, bp.FFiles, bp.SFiles, bp.SwigFiles, bp.SwigCXXFiles, bp.SysoFiles} {
			for _, f := range list {
				p.Other = append(p.Other, path.Join(dir, f))
			}
		}
		slices.Sort(p.Files)
		slices.Sort(p.CgoFiles)
		slices.Sort(p.Other)
		for pattern, positions := range bp.EmbedPatternPos {
			for _, pos := range positions {
				p.Embeds = append(p.Embeds, embedPattern{Pattern: pattern, Dir: dir, Pos: pos})
			}
		}
		slices.SortFunc(p.Embeds, func(a, b embedPattern) int {
			return cmp.Or(strings.Compare(a.Pos.Filename, b.Pos.Filename), a.Pos.Line-b.Pos.Line, a.Pos.Column-b.Pos.Column)
		})
		slices.Sort(p.Imports)
		pkgs = append(pkgs, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(pkgs, func(a, b *pkg) int { return strings.Compare(a.Dir, b.Dir) })
	slices.SortFunc(tests, func(a, b testDir) int { return strings.Compare(a.Dir, b.Dir) })
	return pkgs, tests, nil
}

// testDir is a directory of the module with tests: its _test.go files
// (the package's and the external test package's) that build, sorted.
type testDir struct {
	Dir   string
	Files []string
}

// packageError turns a go/build error into one that names the directory
// or file, keeping positions that go/build already reports.
func packageError(dir string, err error) error {
	var multi *build.MultiplePackageError
	if errors.As(err, &multi) {
		return &diag.InputError{File: dir, Msg: fmt.Sprintf("found packages %s (%s) and %s (%s)",
			multi.Packages[0], multi.Files[0], multi.Packages[1], multi.Files[1]),
			Hint: "a directory holds one package; exclude the odd file with a //go:build ignore line"}
	}
	// go/build reports syntax errors as "path/file.go:line:col: msg"
	// already; other errors get the directory.
	msg := err.Error()
	if strings.HasPrefix(msg, dir+"/") || (dir == "." && strings.Contains(strings.SplitN(msg, ":", 2)[0], ".go")) {
		return err
	}
	return fmt.Errorf("%s: %w", dir, err)
}

// sortedUnique sorts s and removes duplicates, returning nil for empty.
func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}
