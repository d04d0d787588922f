package nixtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// standin describes one stand-in flake: the repositories it replaces and
// the inputs the real flake has (so `follows` on them can be checked).
type standin struct {
	dir        string
	repos      []string // owner/repo, lower case
	realInputs []string
}

var standins = map[string]standin{
	"nixpkgs":     {dir: "nixpkgs", repos: []string{"nixos/nixpkgs"}},
	"crane":       {dir: "crane", repos: []string{"ipetkov/crane"}},
	"flake-utils": {dir: "flake-utils", repos: []string{"numtide/flake-utils"}, realInputs: []string{"systems"}},
	"deploy-rs":   {dir: "deploy-rs", repos: []string{"serokell/deploy-rs"}, realInputs: []string{"nixpkgs", "utils", "flake-compat"}},
	"systems":     {dir: "systems", repos: []string{"nix-systems/default"}},
}

// nestedStandins names the stand-in behind each input of a stand-in flake,
// for the overrides of those nested inputs.
var nestedStandins = map[string]map[string]string{
	"flake-utils": {"systems": "systems"},
	"deploy-rs":   {"nixpkgs": "nixpkgs", "utils": "flake-utils", "flake-compat": "systems"},
}

// flakeInput is one entry of a flake's `inputs`, as declared.
type flakeInput struct {
	URL     string             `json:"url"`
	Owner   string             `json:"owner"`
	Repo    string             `json:"repo"`
	Follows *string            `json:"follows"`
	Nested  map[string]*string `json:"inputs"`
}

const inputsExpr = `{ flake }:
let
  f = import (flake + "/flake.nix");
  norm = v: if builtins.isAttrs v then v else { url = v; };
  follows = v: if v ? follows then (if builtins.isList v.follows then builtins.concatStringsSep "/" v.follows else v.follows) else null;
in {
  inputs = builtins.mapAttrs (n: v: let v' = norm v; in {
    url = v'.url or "";
    owner = v'.owner or "";
    repo = v'.repo or "";
    follows = follows v';
    inputs = builtins.mapAttrs (m: w: follows (norm w)) (v'.inputs or { });
  }) (f.inputs or { });
  args = builtins.attrNames (builtins.functionArgs f.outputs);
}`

// flakeInputs reads the inputs a flake declares: its `inputs` and the
// formal arguments of `outputs` (which Nix also treats as inputs).
func flakeInputs(t testing.TB, flakeDir string) map[string]flakeInput {
	t.Helper()
	res, err := run(t, "nix-instantiate", "--eval", "--strict", "--json",
		"--expr", inputsExpr, "--arg", "flake", nixPath(flakeDir))
	if err != nil {
		t.Fatalf("nixtest: reading the inputs of %s/flake.nix:\n%s", flakeDir, errorText(err))
	}
	var decl struct {
		Inputs map[string]flakeInput `json:"inputs"`
		Args   []string              `json:"args"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &decl); err != nil {
		t.Fatalf("nixtest: inputs of %s: %v", flakeDir, err)
	}
	inputs := decl.Inputs
	if inputs == nil {
		inputs = map[string]flakeInput{}
	}
	delete(inputs, "self") // the flake itself (inputs.self.submodules), not an input to replace
	for _, arg := range decl.Args {
		if _, ok := inputs[arg]; !ok && arg != "self" {
			inputs[arg] = flakeInput{}
		}
	}
	return inputs
}

// nixPath quotes a directory, made absolute, as a Nix string.
func nixPath(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return nixString(abs)
}

// nixString quotes s as a Nix string literal.
func nixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// standinFor picks the stand-in for an input: by the repository its URL
// names, else by the input's own name (an implicit registry input).
func standinFor(name string, in flakeInput) (string, bool) {
	ref := strings.ToLower(in.URL)
	if in.Owner != "" {
		ref = strings.ToLower(in.Owner + "/" + in.Repo)
	}
	if ref != "" {
		for key, s := range standins {
			for _, repo := range s.repos {
				if strings.Contains(ref, repo) {
					return key, true
				}
			}
		}
		if strings.HasPrefix(ref, "flake:") {
			name = strings.TrimPrefix(ref, "flake:")
		} else {
			return "", false
		}
	}
	_, ok := standins[name]
	return name, ok
}

// overrideArgs returns the --override-input arguments that point every
// input the flake declares at its stand-in, prefixing input paths with
// prefix (for a flake used as an input of a harness flake). An input with
// no stand-in, or a `follows` on an input the real flake does not have,
// fails the test.
func overrideArgs(t testing.TB, flakeDir, prefix string) []string {
	t.Helper()
	dir := StandinsDir(t)
	inputs := flakeInputs(t, flakeDir)
	names := make([]string, 0, len(inputs))
	for name := range inputs {
		names = append(names, name)
	}
	sort.Strings(names)

	var args []string
	override := func(path, standinKey string) {
		args = append(args, "--override-input", prefix+path, "path:"+filepath.Join(dir, standins[standinKey].dir))
	}
	overrideNixpkgs := func(path, url string) {
		args = append(args, "--override-input", prefix+path, "path:"+nixpkgsFor(t, dir, url))
	}
	for _, name := range names {
		in := inputs[name]
		if in.Follows != nil {
			continue
		}
		key, ok := standinFor(name, in)
		if !ok {
			t.Fatalf("nixtest: flake input %q (%s) of %s has no stand-in; the harness knows nixpkgs, crane, flake-utils, deploy-rs and systems",
				name, in.URL, flakeDir)
		}
		if key == "nixpkgs" {
			overrideNixpkgs(name, in.URL)
		} else {
			override(name, key)
		}
		for nested := range in.Nested {
			if !contains(standins[key].realInputs, nested) {
				t.Fatalf("nixtest: %s/flake.nix: input %q has an override for a non-existent input %q (the real %s has inputs %v)",
					flakeDir, name, nested, key, standins[key].realInputs)
			}
		}
		nestedNames := make([]string, 0, len(nestedStandins[key]))
		for nested := range nestedStandins[key] {
			nestedNames = append(nestedNames, nested)
		}
		sort.Strings(nestedNames)
		for _, nested := range nestedNames {
			if f, ok := in.Nested[nested]; ok && f != nil {
				continue // the flake makes it follow one of its own inputs
			}
			nestedKey := nestedStandins[key][nested]
			override(name+"/"+nested, nestedKey)
			for _, deeper := range sortedKeys(nestedStandins[nestedKey]) {
				override(name+"/"+nested+"/"+deeper, nestedStandins[nestedKey][deeper])
			}
		}
	}
	return args
}

// nixpkgsFor returns the nixpkgs stand-in for the branch a flake input's
// URL names (github:NixOS/nixpkgs/BRANCH): a copy that knows its branch, so
// it has the go_1_XX attributes of that branch and no others. A URL that
// names no branch channels.json knows gets the checked-in stand-in, which
// has every Go the table lists.
func nixpkgsFor(t testing.TB, standinsDir, url string) string {
	t.Helper()
	src := filepath.Join(standinsDir, standins["nixpkgs"].dir)
	branch := nixpkgsBranch(url)
	data, err := os.ReadFile(filepath.Join(src, "channels.json"))
	if err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	var channels map[string]json.RawMessage
	if err := json.Unmarshal(data, &channels); err != nil {
		t.Fatalf("nixtest: channels.json: %v", err)
	}
	if _, ok := channels[branch]; !ok {
		return src
	}
	dst := filepath.Join(t.TempDir(), "nixpkgs-"+branch)
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("nixtest: copying the nixpkgs stand-in: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dst, "branch.nix"), []byte(nixString(branch)+"\n"), 0o644); err != nil {
		t.Fatalf("nixtest: %v", err)
	}
	return dst
}

// nixpkgsBranch reads the branch from a nixpkgs flake URL and names it as
// channels.json does (and nixgen's plan.channelKey): nixos-XX.YY or
// nixos-unstable. "" when the URL names none.
func nixpkgsBranch(url string) string {
	u := strings.ToLower(url)
	var branch string
	if i := strings.Index(u, "?ref="); i >= 0 {
		branch = strings.SplitN(u[i+len("?ref="):], "&", 2)[0]
	} else if rest, ok := strings.CutPrefix(u, "github:nixos/nixpkgs/"); ok {
		branch = strings.SplitN(rest, "?", 2)[0]
	}
	switch branch {
	case "nixpkgs-unstable", "nixos-unstable-small", "master":
		return "nixos-unstable"
	}
	branch = strings.TrimSuffix(strings.TrimSuffix(branch, "-small"), "-darwin")
	for _, prefix := range []string{"nixpkgs-", "release-"} {
		if rest, ok := strings.CutPrefix(branch, prefix); ok {
			branch = "nixos-" + rest
		}
	}
	return branch
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func flakeRef(flakeDir string) string {
	abs, err := filepath.Abs(flakeDir)
	if err != nil {
		abs = flakeDir
	}
	return "path:" + abs
}

// Eval evaluates attr of the flake in flakeDir with its inputs replaced by
// the stand-ins (`nix eval --json`), and returns the JSON output and the
// evaluation warnings. An evaluation error fails the test.
func Eval(t testing.TB, flakeDir, attr string) Result {
	t.Helper()
	res, err := evalFlake(t, flakeDir, attr)
	if err != nil {
		t.Fatalf("evaluating %s#%s:\n%s", flakeDir, attr, errorText(err))
	}
	for _, w := range res.Warnings {
		t.Logf("evaluation warning: %s", w)
	}
	return res
}

// EvalFlake is Eval returning only the JSON output.
func EvalFlake(t testing.TB, flakeDir, attr string) string {
	t.Helper()
	return Eval(t, flakeDir, attr).Stdout
}

// EvalFlakeJSON evaluates attr like EvalFlake and decodes the JSON into v.
func EvalFlakeJSON(t testing.TB, flakeDir, attr string, v any) {
	t.Helper()
	out := EvalFlake(t, flakeDir, attr)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decoding %s#%s: %v\n%s", flakeDir, attr, err, out)
	}
}

// EvalFlakeErr evaluates attr like EvalFlake and returns the evaluation
// error (a *NixError whose Stderr holds Nix's message), or nil, for tests
// that expect a failure.
func EvalFlakeErr(t testing.TB, flakeDir, attr string) error {
	t.Helper()
	_, err := evalFlake(t, flakeDir, attr)
	return err
}

func evalFlake(t testing.TB, flakeDir, attr string) (Result, error) {
	t.Helper()
	flakeDir = evalDirFor(t, flakeDir)
	args := []string{"eval", "--json", "--no-write-lock-file"}
	args = append(args, overrideArgs(t, flakeDir, "")...)
	args = append(args, flakeRef(flakeDir)+"#"+attr)
	return run(t, "nix", args...)
}

// FlakeCheck runs `nix flake check --no-build` on the flake in flakeDir
// with its inputs replaced by the stand-ins; a failure fails the test.
func FlakeCheck(t testing.TB, flakeDir string) {
	t.Helper()
	if err := FlakeCheckErr(t, flakeDir); err != nil {
		t.Fatalf("nix flake check %s:\n%s", flakeDir, errorText(err))
	}
}

// FlakeCheckErr is FlakeCheck returning the error instead.
func FlakeCheckErr(t testing.TB, flakeDir string) error {
	t.Helper()
	flakeDir = evalDirFor(t, flakeDir)
	args := []string{"flake", "check", "--no-build", "--no-write-lock-file"}
	args = append(args, overrideArgs(t, flakeDir, "")...)
	args = append(args, flakeRef(flakeDir))
	res, err := run(t, "nix", args...)
	if err == nil {
		for _, w := range res.Warnings {
			t.Logf("evaluation warning: %s", w)
		}
	}
	return err
}
