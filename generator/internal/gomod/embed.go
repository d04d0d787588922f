package gomod

import (
	"encoding/json"
	"fmt"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/gitignore"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// embedPattern is one //go:embed pattern of a package the build compiles.
type embedPattern struct {
	Pattern string // as written, "all:" included
	Dir     string // the package's directory
	Pos     token.Position
}

func (e embedPattern) at() string { return fmt.Sprintf("%s:%d", e.Pos.Filename, e.Pos.Line) }

// placeholders are files kept only so that git keeps a directory.
var placeholders = []string{".gitkeep", ".keep", ".gitignore", ".empty", ".placeholder"}

// embeds returns the files and directories the //go:embed patterns of the
// packages name, relative to the root (a wildcard keeps its directory, so
// files added later are kept too).
//
// A pattern that matches nothing in the source, or only placeholders (a
// .gitkeep, empty files, files .gitignore leaves out of git and so out of
// a flake's source), names files a build step outside Go makes: a UI
// built with npm or yarn, generated docs. The Nix build would stop
// ("pattern build/*: no matching files found") or ship a binary without
// them, so this is an error naming the step, unless nixgen.toml lists the
// path as provided (then a warning).
func embeds(fsys fs.FS, patterns []embedPattern, provided []string, scripts []scriptCommand) ([]string, []model.Frontend, []string, error) {
	var kept, warnings, problems []string
	var frontends []model.Frontend
	ign := gitignore.New(fsys)
	for _, e := range patterns {
		{
			glob, all := strings.CutPrefix(e.Pattern, "all:")
			full := path.Join(e.Dir, glob)
			matches, _ := fs.Glob(fsys, full)
			var files []string
			for _, m := range matches {
				files = append(files, embedFiles(fsys, m, all)...)
			}
			real := slices.DeleteFunc(slices.Clone(files), func(f string) bool { return placeholder(fsys, f) || ign.Ignored(f) })
			if len(real) > 0 {
				// A wildcard keeps its whole directory, but never the whole module.
				if dir := path.Dir(full); strings.ContainsAny(glob, "*?[") && dir != "." {
					kept = append(kept, dir)
					continue
				}
				kept = append(kept, matches...)
				continue
			}
			target := full
			if strings.ContainsAny(glob, "*?[") {
				target = path.Dir(full)
			}
			if slices.ContainsFunc(provided, func(p string) bool { return inDir(target, p) || inDir(p, target) }) {
				warnings = append(warnings, fmt.Sprintf("%s: //go:embed %s: %s is provided by you (nixgen.toml's [go] embed-provided): the flake builds once something puts it in the source",
					e.at(), e.Pattern, target))
				continue
			}
			if f, ok := frontendFor(fsys, target); ok {
				f.At = e.at()
				if !slices.ContainsFunc(frontends, func(g model.Frontend) bool { return g.Target == f.Target }) {
					frontends = append(frontends, f)
					warnings = append(warnings, fmt.Sprintf("%s: //go:embed %s: %s is not in the source; the flake builds it with `%s run %s` in %s and copies it in before go build (its dependency hash is lib.fakeHash: run `nix build` and put the hash Nix reports in its place)",
						e.at(), e.Pattern, target, f.Manager, f.Script, dirName(f.Dir)))
				}
				continue
			}
			why := "nothing in the source matches it"
			switch {
			case len(files) > 0 && len(files) == countIgnored(ign, files):
				why = fmt.Sprintf("what matches it is left out of git by %s, so a flake's source lacks it", ign.Why(files[0]))
			case len(files) > 0:
				why = fmt.Sprintf("%s holds only placeholders (%s), so the binary would ship without what belongs there", target, strings.Join(baseNames(files), ", "))
			}
			step := buildStep(fsys, target, scripts)
			problems = append(problems, fmt.Sprintf("%s: //go:embed %s: %s; %s", e.at(), e.Pattern, why, step))
		}
	}
	if len(problems) > 0 {
		return nil, nil, nil, &diag.InputError{
			Msg: strings.Join(problems, "\n"),
			Hint: "commit what that step makes (and take it out of .gitignore), or make it in a derivation of your own and copy it in before `go build` " +
				"(flake.nix listed in nixgen.toml's owned), then list the path in nixgen.toml's [go] embed-provided so that nixgen goes on",
		}
	}
	slices.SortFunc(frontends, func(a, b model.Frontend) int { return strings.Compare(a.Target, b.Target) })
	return model.Outermost(kept), frontends, warnings, nil
}

// frontendFor finds the JavaScript build that makes target: a package.json
// in target's directory or above whose "build" script nixpkgs' helpers
// run, with the lock file they need beside it (package-lock.json for
// buildNpmPackage, a yarn v1 yarn.lock for fetchYarnDeps). pnpm, bun and
// Yarn Berry projects, and a package.json elsewhere, are left to the user.
func frontendFor(fsys fs.FS, target string) (model.Frontend, bool) {
	dir, scripts, ok := nearestPackageJSON(fsys, target)
	if !ok || scripts["build"] == "" {
		return model.Frontend{}, false
	}
	out := strings.TrimPrefix(target, dir+"/")
	if dir == "." {
		out = target
	}
	f := model.Frontend{Dir: dir, Script: "build", Out: out, Target: target}
	switch {
	case exists(fsys, path.Join(dir, "package-lock.json")):
		f.Manager = "npm"
	case yarnV1(fsys, path.Join(dir, "yarn.lock")):
		f.Manager = "yarn"
	default:
		return model.Frontend{}, false
	}
	for _, p := range []string{f.Dir, f.Out} {
		if path.IsAbs(p) || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../") {
			return model.Frontend{}, false
		}
	}
	return f, true
}

// nearestPackageJSON finds the package.json in target's directory or the
// nearest above it, and its scripts; ok is false when there is none or
// it is not JSON.
func nearestPackageJSON(fsys fs.FS, target string) (dir string, scripts map[string]string, ok bool) {
	for dir := path.Dir(target); ; dir = path.Dir(dir) {
		if data, err := projfs.ReadFile(fsys, path.Join(dir, "package.json")); err == nil {
			var pj struct {
				Scripts map[string]string `json:"scripts"`
			}
			if json.Unmarshal(data, &pj) != nil {
				return "", nil, false
			}
			return dir, pj.Scripts, true
		}
		if dir == "." {
			return "", nil, false
		}
	}
}

// yarnV1 reports a classic yarn lock file, which fetchYarnDeps reads.
func yarnV1(fsys fs.FS, name string) bool {
	data, err := projfs.ReadFile(fsys, name)
	return err == nil && strings.Contains(string(data[:min(len(data), 200)]), "yarn lockfile v1")
}

// embedFiles returns the files a //go:embed match embeds: the file, or the
// files below the directory (without all:, not those whose names start
// with "." or "_"; never below another module or a VCS directory).
func embedFiles(fsys fs.FS, match string, all bool) []string {
	fi, err := fs.Stat(fsys, match)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		return []string{match}
	}
	var files []string
	_ = fs.WalkDir(fsys, match, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if p != match {
			switch {
			case name == ".git" || name == ".hg" || name == ".svn" || name == ".bzr":
				return skip(d)
			case !all && (name[0] == '.' || name[0] == '_'):
				return skip(d)
			case d.IsDir() && exists(fsys, path.Join(p, "go.mod")):
				return fs.SkipDir
			}
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func skip(d fs.DirEntry) error {
	if d.IsDir() {
		return fs.SkipDir
	}
	return nil
}

// placeholder reports a file kept only to keep its directory: a .gitkeep
// or the like, or an empty file.
func placeholder(fsys fs.FS, name string) bool {
	if slices.Contains(placeholders, path.Base(name)) {
		return true
	}
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Size() == 0
}

func baseNames(files []string) []string {
	var out []string
	for _, f := range files {
		out = append(out, path.Base(f))
	}
	return sortedUnique(out)
}

func countIgnored(ign *gitignore.Rules, files []string) int {
	n := 0
	for _, f := range files {
		if ign.Ignored(f) {
			n++
		}
	}
	return n
}

// buildStep names what makes the missing embed target: the package.json
// script in its directory or above (build, or one that names the
// target's directory), and the Makefile targets that run it; or says
// that nixgen found none.
func buildStep(fsys fs.FS, target string, scripts []scriptCommand) string {
	var found []string
	pkgDir, script := "", ""
	if dir, scripts, ok := nearestPackageJSON(fsys, target); ok {
		out := path.Base(target)
		for _, k := range slices.Sorted(maps.Keys(scripts)) {
			if k == "build" || (script == "" && strings.Contains(scripts[k], out)) {
				script = k
			}
		}
		if script != "" {
			pkgDir = dir
			found = append(found, fmt.Sprintf("`%s run %s` in %s (%s: %q)", packageManager(fsys, dir), script, dirName(dir), path.Join(dir, "package.json"), scripts[script]))
		}
	}
	// The Makefile targets and workflow jobs that run that script, or
	// that copy or move something to the target (not the ones that only
	// make an empty place for it: mkdir, touch, rm).
	var steps []string
	seen := map[string]bool{}
	for _, c := range scripts {
		if c.LdflagsVar || len(c.Words) < 2 || c.Context == "" || seen[c.At[:strings.LastIndex(c.At, ":")]+" "+c.Context] {
			continue
		}
		runs := pkgDir != "" && script != "" && runsScript(c, pkgDir, script)
		names := !slices.Contains([]string{"mkdir", "touch", "rm", "echo", "test", "["}, c.Words[0]) &&
			slices.ContainsFunc(c.Words[1:], func(w string) bool { return strings.Contains(w, target) })
		if !runs && !names {
			continue
		}
		seen[c.At[:strings.LastIndex(c.At, ":")]+" "+c.Context] = true
		step := fmt.Sprintf("%s (%s)", c.Context, c.At)
		if strings.HasPrefix(c.At, "Makefile") || strings.HasPrefix(c.At, "GNUmakefile") || strings.HasPrefix(c.At, "makefile") {
			step = fmt.Sprintf("`make %s` (%s)", c.Context, c.At)
		}
		steps = append(steps, step)
	}
	if len(steps) > 0 {
		found = append(found, strings.Join(steps, ", "))
	}
	if len(found) == 0 {
		return "nixgen found no build step that makes " + target + " (no package.json script, no Makefile target)"
	}
	return "a build step makes " + target + ": " + strings.Join(found, "; ")
}

// runsScript reports a command that runs the package.json script in dir:
// npm run NAME, yarn [run] NAME, pnpm [run] NAME, bun run NAME, in that
// directory or pointed at it (--prefix, --cwd, -C, --dir).
func runsScript(c scriptCommand, dir, script string) bool {
	w := c.Words
	if !slices.Contains([]string{"npm", "yarn", "pnpm", "bun"}, w[0]) {
		return false
	}
	here := c.Dir == dir
	var args []string
	for i := 1; i < len(w); i++ {
		switch {
		case slices.Contains([]string{"--prefix", "--cwd", "-C", "--dir"}, w[i]) && i+1 < len(w):
			i++
			here = here || path.Clean(w[i]) == dir
		case strings.HasPrefix(w[i], "--prefix=") || strings.HasPrefix(w[i], "--cwd=") || strings.HasPrefix(w[i], "--dir="):
			_, v, _ := strings.Cut(w[i], "=")
			here = here || path.Clean(v) == dir
		case !strings.HasPrefix(w[i], "-"):
			args = append(args, w[i])
		}
	}
	if len(args) > 0 && args[0] == "run" {
		args = args[1:]
	}
	return here && len(args) > 0 && args[0] == script
}

func dirName(dir string) string {
	if dir == "." {
		return "the root"
	}
	return dir
}

// packageManager is the one whose lock file sits in dir or above.
func packageManager(fsys fs.FS, dir string) string {
	for d := dir; ; d = path.Dir(d) {
		for _, pm := range [][2]string{{"yarn.lock", "yarn"}, {"pnpm-lock.yaml", "pnpm"}, {"bun.lockb", "bun"}, {"bun.lock", "bun"}, {"package-lock.json", "npm"}} {
			if exists(fsys, path.Join(d, pm[0])) {
				return pm[1]
			}
		}
		if d == "." {
			return "npm"
		}
	}
}
