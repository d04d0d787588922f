package cargo

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
	"github.com/nixgen/nixgen/generator/internal/rustsrc"
	"github.com/nixgen/nixgen/generator/internal/shipcfg"
)

// detectListen reads the .rs files under dir (tests, benches and examples
// left out) with rustsrc, with those of the workspace packages in lib it
// depends on: the runtime surface.
func detectListen(fsys fs.FS, name, dir string, lib []string, deps map[string][]string) (*model.Surface, []string, error) {
	files, warnings, err := rustFiles(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	opts := rustsrc.Options{Deps: slices.Sorted(maps.Keys(deps))}
	for _, d := range lib {
		more, w, err := rustFiles(fsys, d)
		if err != nil {
			return nil, nil, err
		}
		opts.Lib, warnings = append(opts.Lib, more...), append(warnings, w...)
	}
	surface, err := rustsrc.AnalyzeWith(files, opts)
	if err != nil {
		return nil, nil, err
	}
	warnings = append(warnings, surface.Unknown...)
	// The format of the configuration file, when no parsing call showed it:
	// the serde crate the package depends on.
	if c := surface.Config; c != nil && c.Format == "" {
		c.Format = "toml"
		switch {
		case has(deps, "serde_yaml") || has(deps, "serde_yml") || has(deps, "serde_norway"):
			c.Format = "yaml"
		case has(deps, "serde_json") && !has(deps, "toml"):
			c.Format = "json"
		}
	}
	// Listeners set only in the configuration file: the defaults of the
	// file the project ships.
	_, ws := shipcfg.Fill(fsys, shipcfg.Dirs(dir), name, surface)
	warnings = append(warnings, ws...)
	return surface, warnings, nil
}

// rustFiles reads the .rs files of the crate in dir, sorted by path: not
// its tests, benches, examples or build script, nor nested crates.
func rustFiles(fsys fs.FS, dir string) ([]rustsrc.File, []string, error) {
	var warnings []string
	var files []rustsrc.File
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if skipDir(d.Name()) || d.Name() == "tests" || d.Name() == "benches" || d.Name() == "examples" {
				return fs.SkipDir
			}
			if _, err := fs.Stat(fsys, path.Join(p, "Cargo.toml")); err == nil {
				return fs.SkipDir // another crate
			}
			return nil
		}
		if strings.HasSuffix(p, ".rs") && path.Base(p) != "build.rs" {
			data, err := projfs.ReadFile(fsys, p)
			if skip, ok := projfs.Skipped(err); ok {
				warnings = append(warnings, skip.Error())
				return nil
			}
			if err != nil {
				return err
			}
			files = append(files, rustsrc.File{Path: p, Src: data})
		}
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, warnings, err
}

func has(deps map[string][]string, crate string) bool {
	_, ok := deps[crate]
	return ok
}
