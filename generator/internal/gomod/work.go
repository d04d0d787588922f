package gomod

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// WorkFile describes a go.work at the root that buildGoModule can ignore.
//
// buildGoModule runs `go mod vendor`, which refuses to run in workspace
// mode. Setting GOWORK=off (`env.GOWORK = "off"`, which buildGoModule
// passes to its vendoring derivation too) builds the root module alone,
// with the versions its own go.mod and go.sum select. That is sound when
// the workspace supplies nothing the root module needs: every other used
// module is either not required by go.mod or reachable through a
// go.mod replace directive, and go.work replaces nothing go.mod requires.
type WorkFile struct {
	GoVersion string   // go line of go.work; "" when absent
	Use       []string // use directories, relative to the root, cleaned, sorted
}

// WorkError means a go.work makes the root module build differently from
// the module alone, so buildGoModule (which needs GOWORK=off) would not
// build what the developer builds. It is bad input: exit 2.
type WorkError struct {
	Line, Col int // position in go.work; 0 when unknown
	Reason    string
}

func (e *WorkError) Error() string {
	pos := "go.work"
	if e.Line > 0 {
		pos = fmt.Sprintf("go.work:%d:%d", e.Line, e.Col)
	}
	return pos + ": " + e.Reason + "\n  hint: buildGoModule builds one module with GOWORK=off: run nixgen in the module directory, or add replace directives for the workspace modules it needs to go.mod"
}

// detectWork reads go.work at the root, if any.
func detectWork(fsys fs.FS, mf *modfile.File) (*WorkFile, error) {
	data, err := projfs.ReadFile(fsys, "go.work")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("go.work: %w", err)
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return nil, err
	}

	required := map[string]bool{}
	for _, r := range mf.Require {
		required[r.Mod.Path] = true
	}
	replaced := map[string]bool{}
	for _, r := range mf.Replace {
		replaced[r.Old.Path] = true
	}

	w := &WorkFile{}
	if wf.Go != nil {
		w.GoVersion = wf.Go.Version
	}
	for _, u := range wf.Use {
		dir := path.Clean(strings.ReplaceAll(u.Path, `\`, "/"))
		w.Use = append(w.Use, dir)
		if dir == "." {
			continue
		}
		line, col := u.Syntax.Start.Line, u.Syntax.Start.LineRune
		if path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
			// Outside the source: whatever it provides, Nix cannot see it,
			// so it only matters if the module needs it.
			continue
		}
		modData, err := projfs.ReadFile(fsys, path.Join(dir, "go.mod"))
		if err != nil {
			return nil, &WorkError{Line: line, Col: col, Reason: fmt.Sprintf("use %s: cannot read %s/go.mod: %v", u.Path, dir, err)}
		}
		used, err := modfile.ParseLax(path.Join(dir, "go.mod"), modData, nil)
		if err != nil {
			return nil, err
		}
		if used.Module == nil {
			continue
		}
		mp := used.Module.Mod.Path
		if required[mp] && !replaced[mp] {
			return nil, &WorkError{Line: line, Col: col, Reason: fmt.Sprintf("the workspace supplies %s (use %s), which go.mod requires without a replace directive, so GOWORK=off would download it instead", mp, u.Path)}
		}
	}
	for _, r := range wf.Replace {
		if required[r.Old.Path] {
			return nil, &WorkError{
				Line: r.Syntax.Start.Line, Col: r.Syntax.Start.LineRune,
				Reason: fmt.Sprintf("replace %s applies to a module go.mod requires, and GOWORK=off would drop it", r.Old.Path),
			}
		}
	}
	slices.Sort(w.Use)
	w.Use = slices.Compact(w.Use)
	return w, nil
}

// workspaceOnly returns a *WorkError for a root that holds go.work but no
// go.mod: a workspace of modules in subdirectories, each of which is a
// project of its own for buildGoModule. It returns nil without go.work.
func workspaceOnly(fsys fs.FS) error {
	data, err := projfs.ReadFile(fsys, "go.work")
	if err != nil {
		return nil
	}
	var dirs []string
	if wf, err := modfile.ParseWork("go.work", data, nil); err == nil {
		for _, u := range wf.Use {
			dirs = append(dirs, u.Path)
		}
	}
	reason := "a workspace without a go.mod at the root"
	if len(dirs) > 0 {
		reason += " (modules: " + strings.Join(dirs, ", ") + ")"
	}
	return &WorkError{Reason: reason}
}

// WorkspaceRoot reads a go.work at a root that has no go.mod: a Go
// workspace, which buildGoModule cannot build as one derivation. It
// returns an input error that names the modules to run nixgen in instead.
func WorkspaceRoot(fsys fs.FS) error {
	data, err := projfs.ReadFile(fsys, "go.work")
	if err != nil {
		return err
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return &diag.InputError{File: "go.work", Msg: err.Error(), Err: err}
	}
	var mods []string
	for _, u := range wf.Use {
		dir := path.Clean(strings.ReplaceAll(u.Path, `\`, "/"))
		if dir == "." || path.IsAbs(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(dir, "go.mod")); err == nil {
			mods = append(mods, dir)
		}
	}
	hint := "add a module at the root, or run nixgen in the directory of the module that builds the program"
	if len(mods) > 0 {
		hint = "run nixgen in the directory of the module that builds the program: one of " + strings.Join(mods, ", ")
	}
	return &diag.InputError{File: "go.work", Msg: "a Go workspace without a module at its root: buildGoModule builds one module at a time", Hint: hint}
}
