package host

import (
	"errors"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/nixedit"
)

// LocalPath reports whether the flake reference ref names a directory on
// this machine, and which: a bare path ("../app", "/src/app", "."), or a
// path: or git+file: URL.
func LocalPath(ref string) (string, bool) {
	for _, scheme := range []string{"path:", "git+file://", "git+file:"} {
		if rest, ok := strings.CutPrefix(ref, scheme); ok {
			rest, _, _ = strings.Cut(rest, "?")
			rest, _, _ = strings.Cut(rest, "#")
			return rest, rest != ""
		}
	}
	if strings.Contains(ref, ":") {
		return "", false
	}
	if ref == "." || ref == ".." || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") {
		return ref, true
	}
	return "", false
}

// moduleOptionRE finds the service's option declaration in a module nixgen
// wrote: `options.services.NAME = {` (NAME bare or a quoted string).
var moduleOptionRE = regexp.MustCompile(`(?m)^[ \t]*options\.services\.([A-Za-z_][A-Za-z0-9_'-]*|"(?:[^"\\]|\\.)*")[ \t]*=`)

// ServiceName reads the name of the service an app flake's NixOS module
// declares, from the text of nix/module.nix (the module nixgen writes),
// else flake.nix: no Nix evaluation. dir names fsys in messages.
func ServiceName(fsys fs.FS, dir string) (string, error) {
	flake, err := fs.ReadFile(fsys, "flake.nix")
	if errors.Is(err, fs.ErrNotExist) {
		return "", &diag.InputError{File: path.Join(dir, "flake.nix"), Msg: "not found: --app must name the app's flake",
			Hint: "run `nixgen init` in the app first"}
	}
	if err != nil {
		return "", &diag.InputError{File: path.Join(dir, "flake.nix"), Msg: err.Error(), Err: err}
	}
	if !strings.Contains(string(flake), "nixosModules") {
		return "", &diag.InputError{File: path.Join(dir, "flake.nix"), Msg: "has no nixosModules, which the host imports",
			Hint: "run `nixgen init --service` in the app to write its NixOS module"}
	}
	for _, name := range []string{"nix/module.nix", "flake.nix"} {
		text, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		if m := moduleOptionRE.FindSubmatch(text); m != nil {
			return unquote(string(m[1])), nil
		}
	}
	return "", &diag.InputError{File: path.Join(dir, "nix/module.nix"), Msg: "found no options.services.NAME declaration",
		Hint: "pass --service NAME, the app's services.NAME option"}
}

// unquote turns a Nix attribute name, bare or a double-quoted string, into
// its value.
func unquote(s string) string {
	if !strings.HasPrefix(s, `"`) {
		return s
	}
	return nixedit.UnquoteString(s)
}
