// Package render turns a model.Project into the files nixgen writes. It
// returns them as data; it never touches the disk.
package render

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/nixgen/nixgen/generator/internal/escape"
	"github.com/nixgen/nixgen/generator/internal/model"
	"github.com/nixgen/nixgen/templates"
)

// Files maps a slash-separated path, relative to the project root, to the
// file's contents.
type Files map[string][]byte

// Options are the choices that shape the output beyond the project itself.
type Options struct {
	Builder model.Builder // Rust only
	Channel string        // nixpkgs branch, e.g. "nixos-26.05" or "nixos-unstable"
	Module  bool          // emit nixosModules and nix/module.nix
	// Src, when set, replaces the local source with a pinned fetch.
	Src *model.SourcePin
	// Systems are the systems the flake exposes; empty means
	// model.FlakeSystems.
	Systems []string
}

// darwinWarning warns when the flake lists x86_64-darwin on a branch whose
// nixpkgs no longer builds it: 26.11 dropped it (its release notes), so
// nixos-unstable and every release from 26.11 on.
func darwinWarning(opts Options) []string {
	if !slices.Contains(opts.Systems, "x86_64-darwin") {
		return nil
	}
	dropped := strings.HasSuffix(opts.Channel, "unstable") || opts.Channel == "master"
	if v, ok := strings.CutPrefix(opts.Channel, "nixos-"); ok {
		if y, m, ok := strings.Cut(v, "."); ok {
			yy, err1 := strconv.Atoi(y)
			mm, err2 := strconv.Atoi(m)
			dropped = dropped || err1 == nil && err2 == nil && (yy > 26 || yy == 26 && mm >= 11)
		}
	}
	if !dropped {
		return nil
	}
	return []string{"the flake lists x86_64-darwin, which nixpkgs " + opts.Channel + " no longer builds (dropped in 26.11): its packages come from no binary cache and may not build; nixos-26.05 keeps it until the end of 2026"}
}

// flakeSystems is the flake's list of systems, in model.Systems' order.
func flakeSystems(systems []string) nixList {
	if len(systems) == 0 {
		systems = model.FlakeSystems
	}
	var items []string
	for _, s := range model.Systems {
		if slices.Contains(systems, s) {
			items = append(items, escape.NixString(s))
		}
	}
	return nixList{Items: items}
}

var tmpl *template.Template

func init() {
	tmpl = template.Must(template.New("").Option("missingkey=error").Funcs(template.FuncMap{
		"include": include,
		"indent":  indent,
		// Bound to the output of each execution; see execute.
		"nix": func(any) (string, error) { return "", errors.New("nix outside execute") },
	}).ParseFS(templates.FS, "*.tmpl"))
}

// include renders the named template, without the line breaks around it,
// so a template can place it and indent it.
func include(name string, data any) (string, error) {
	out, err := execute(name, data)
	return strings.Trim(string(out), "\n"), err
}

// indent adds n spaces before every non-empty line of s.
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// execute renders the named template into a cursor, with nix bound to it so
// that it lays values out where the template places them.
func execute(name string, view any) ([]byte, error) {
	var c cursor
	t := template.Must(tmpl.Clone()).Funcs(template.FuncMap{"nix": c.nix})
	if err := t.ExecuteTemplate(&c, name, view); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", name, err)
	}
	return c.buf.Bytes(), nil
}

// formatter returns the nixpkgs attribute of the RFC 166 formatter on the
// channel: it is `nixfmt` from 25.11 on, `nixfmt-rfc-style` before.
func formatter(channel string) string {
	if v, ok := strings.CutPrefix(channel, "nixos-"); ok {
		if y, m, ok := strings.Cut(v, "."); ok {
			yy, err1 := strconv.Atoi(y)
			mm, err2 := strconv.Atoi(m)
			if err1 == nil && err2 == nil && (yy < 25 || yy == 25 && mm < 11) {
				return "nixfmt-rfc-style"
			}
		}
	}
	return "nixfmt"
}
