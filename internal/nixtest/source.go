package nixtest

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sourcesApply maps every package of every system to the store path of its
// `src`. Interpolating the source makes Nix copy the filtered tree into the
// store (lib.fileset.toSource, cleanSourceWith and builtins.path all do so
// when they are coerced to a string), which is what a build would get.
const sourcesApply = `systems: builtins.mapAttrs (system: pkgs:
  builtins.mapAttrs (name: pkg:
    if pkg ? src then "${pkg.src}"
    else throw "packages.${system}.${name} has no src attribute") pkgs) systems`

// Source is the realised `src` of one package of a flake.
type Source struct {
	System, Package string
	// StorePath is where Nix copied the source.
	StorePath string
	// Files are the regular files and symlinks in it, as slash-separated
	// paths relative to StorePath, sorted.
	Files []string
}

// Sources realises the `src` of every package in the flake's `packages`
// output (every system it lists), with its inputs replaced by the
// stand-ins, and lists the files of each. A package without `src`, an
// evaluation error, or a source Nix did not put in the store (a fetcher,
// which needs the network) fails the test.
func Sources(t testing.TB, flakeDir string) []Source {
	t.Helper()
	flakeDir = evalDirFor(t, flakeDir)
	args := []string{"eval", "--json", "--no-write-lock-file"}
	args = append(args, overrideArgs(t, flakeDir, "")...)
	args = append(args, flakeRef(flakeDir)+"#packages", "--apply", sourcesApply)
	res, err := run(t, "nix", args...)
	if err != nil {
		t.Fatalf("realising the sources of %s:\n%s", flakeDir, errorText(err))
	}
	var paths map[string]map[string]string
	if err := json.Unmarshal([]byte(res.Stdout), &paths); err != nil {
		t.Fatalf("nixtest: sources of %s: %v\n%s", flakeDir, err, res.Stdout)
	}
	listed := map[string][]string{}
	var out []Source
	for _, system := range sortedKeys(paths) {
		for _, pkg := range sortedKeys(paths[system]) {
			p := paths[system][pkg]
			files, ok := listed[p]
			if !ok {
				files = listFiles(t, p)
				listed[p] = files
			}
			out = append(out, Source{System: system, Package: pkg, StorePath: p, Files: files})
		}
	}
	return out
}

// listFiles lists the regular files and symlinks under a realised source
// (the path itself, as ".", when it is a file).
func listFiles(t testing.TB, root string) []string {
	t.Helper()
	info, err := os.Lstat(root)
	if err != nil {
		t.Fatalf("nixtest: source %s is not in the store (a fetched source cannot be realised offline): %v", root, err)
	}
	if !info.IsDir() {
		return []string{"."}
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatalf("nixtest: listing %s: %v", root, err)
	}
	sort.Strings(files)
	return files
}
