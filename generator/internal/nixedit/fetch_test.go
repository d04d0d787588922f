package nixedit

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary describes a binding's value in one line.
func summary(b Binding) string {
	switch {
	case b.Inherited:
		return "inherit " + b.Value.Raw
	case b.Value.Placeholder:
		return "placeholder " + b.Value.Raw
	case b.Value.Literal:
		return "literal " + b.Value.Text
	}
	return "expr " + b.Value.Raw
}

type fetchSummary struct {
	Func     string
	Line     int
	HashAttr string
	Version  string // summary and line of the visible version binding
	Args     map[string]string
}

func summarize(fs []Fetch) []fetchSummary {
	var out []fetchSummary
	for _, f := range fs {
		s := fetchSummary{Func: f.Func, Line: f.Pos.Line, HashAttr: f.HashAttr, Args: map[string]string{}}
		if f.Version != nil {
			s.Version = fmt.Sprintf("%s (line %d)", summary(*f.Version), f.Version.Pos.Line)
		}
		for name, b := range f.Args {
			s.Args[name] = summary(b)
		}
		out = append(out, s)
	}
	return out
}

// checkBinding asserts what every binding promises about its spans.
func checkBinding(t *testing.T, src []byte, b Binding) {
	t.Helper()
	v := b.Value
	if v.Start < 0 || v.End > len(src) || v.Start >= v.End || string(src[v.Start:v.End]) != v.Raw {
		t.Fatalf("%s at %s: span [%d,%d) does not hold Raw %q", b.Name, b.Pos, v.Start, v.End, v.Raw)
	}
	if v.Literal {
		if v.Raw[0] != '"' || v.Raw[len(v.Raw)-1] != '"' || unescapeString(v.Raw[1:len(v.Raw)-1]) != v.Text {
			t.Fatalf("%s at %s: literal %s does not decode to %q", b.Name, b.Pos, v.Raw, v.Text)
		}
	}
	rest := string(src[b.Pos.Offset:])
	ok := strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "${") || strings.HasPrefix(rest, "inherit")
	for _, name := range b.Path {
		ok = ok || strings.HasPrefix(rest, name)
	}
	if !ok {
		t.Fatalf("%s: Pos %s points at %.20q", b.Name, b.Pos, rest)
	}
	if b.Pos.Offset >= v.Start && !b.Inherited {
		t.Fatalf("%s: name at %d is not before the value at %d", b.Name, b.Pos.Offset, v.Start)
	}
}

func checkFetches(t *testing.T, src []byte, fs []Fetch) {
	t.Helper()
	for _, f := range fs {
		call := string(src[f.Start:f.End])
		if !strings.Contains(call, f.Func) || !strings.HasSuffix(call, "}") || f.Pos.Offset != f.Start {
			t.Fatalf("fetch at %s: span holds %q", f.Pos, call)
		}
		for name, b := range f.Args {
			if b.Name != name {
				t.Fatalf("Args[%q] is named %q", name, b.Name)
			}
			if b.Value.Start < f.Start || b.Value.End > f.End {
				t.Fatalf("Args[%q] lies outside its call", name)
			}
			checkBinding(t, src, b)
		}
		if f.Version != nil {
			checkBinding(t, src, *f.Version)
		}
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

const (
	rgHash  = "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE="
	goHash  = "sha256-2FTTBGU5xh6dR1Y8GeC3rajz8JbLrNubKVjtkQFsGVY="
	svcHash = "sha256-qI81OLOtQbkcekl/kYvYCgveYk3fdvD2UwkD4218Ewc="
)

func TestFindFetchesTestdata(t *testing.T) {
	tests := map[string][]fetchSummary{
		"rust-flake.nix": {{
			Func: "fetchFromGitHub", Line: 20, HashAttr: "hash", Version: "literal 1.4.2 (line 18)",
			Args: map[string]string{
				"owner": "literal example", "repo": "literal rg-lite",
				"rev": `expr "v${version}"`, "hash": "literal " + rgHash,
			},
		}},
		"go-flake.nix": {{
			Func: "fetchFromGitHub", Line: 19, HashAttr: "sha256", Version: "literal 0.3.1 (line 12)",
			Args: map[string]string{
				"owner": "literal example", "repo": "literal svc",
				"tag": `expr "v${version}"`, "sha256": "literal " + goHash,
			},
		}, {
			Func: "fetchgit", Line: 32, HashAttr: "hash", Version: "literal 0.4.0-rc.1 (line 31)",
			Args: map[string]string{
				"url":  "literal https://git.example.org/svc.git",
				"rev":  "literal 5573e39b6600496d40f493d00ec7658479a19607",
				"hash": "literal " + svcHash, "fetchSubmodules": "expr true",
			},
		}},
		"overlay.nix": {{
			Func: "fetchFromGitHub", Line: 19, HashAttr: "sha256", Version: "literal 2.0.1 (line 9)",
			Args: map[string]string{
				"owner": "literal a", "repo": "literal tool-a",
				"rev":    "literal a50126cc2d6c726de0ca203c3b659f658d356173",
				"sha256": "literal sha256-NGS0g0QiYrzlb2AsYPxA5XQ9wX0Y5mRD9+4zWlbzFmA=",
			},
		}, {
			Func: "fetchFromGitHub", Line: 24, HashAttr: "hash", Version: "literal 2.0.1 (line 9)",
			Args: map[string]string{
				"owner": "literal b", "repo": "literal tool-b", "rev": `expr "v${version}"`,
				"hash": "literal sha256-lH1bxCTQkMc5P6/zbpM775WjpwjsoDeBhyJNKAtdgYQ=",
			},
		}, {
			Func: "fetchgit", Line: 36, HashAttr: "hash", Version: "literal 3.1 (line 35)",
			Args: map[string]string{
				"url":  "literal https://git.example.org/tool-c.git",
				"rev":  `expr "refs/tags/${version}"`,
				"hash": "placeholder lib.fakeHash", "fetchSubmodules": "expr true",
				"leaveDotGit": "expr false", "deepClone": "expr false",
			},
		}, {
			// rec arguments: their own version wins over the derivation's.
			Func: "fetchFromGitHub", Line: 48, HashAttr: "hash", Version: "literal 0.9.1 (line 48)",
			Args: map[string]string{
				"owner": "literal d", "repo": "literal tool-d", "rev": "expr version",
				"version": "literal 0.9.1", "hash": `placeholder ""`,
			},
		}, {
			// The function argument `version` hides the let binding.
			Func: "fetchgit", Line: 51, HashAttr: "sha256",
			Args: map[string]string{
				"url": "literal https://example.org/e.git", "rev": "inherit rev",
				"sha256": "placeholder lib.fakeSha256",
			},
		}, {
			Func: "fetchFromGitHub", Line: 63, HashAttr: "hash", Version: "literal 2.0.1 (line 9)",
			Args: map[string]string{
				"owner": "literal p", "repo": "literal one",
				"rev":  "literal aa893358be4b506d8aeb52b29b8a9cacdd695b64",
				"hash": "literal sha256-dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z/0Me0=",
			},
		}, {
			Func: "fetchgit", Line: 64, HashAttr: "sha256", Version: "literal 2.0.1 (line 9)",
			Args: map[string]string{
				"url":    "literal https://example.org/two.git",
				"rev":    "literal 7e264138d0ca103b872057862b9b0359962ec5d2",
				"sha256": "literal 0000000000000000000000000000000000000000000000000000",
			},
		}},
		"one-line.nix": {{
			Func: "fetchFromGitHub", Line: 1, HashAttr: "hash",
			Args: map[string]string{
				"owner": "literal o", "repo": "literal r", "rev": `expr "v${v}"`,
				"hash": "literal sha256-GWjuWKWSX9OyYRQHA0cPBxIPHPwOwlq0GSMjgKPZlos=",
			},
		}, {
			Func: "fetchgit", Line: 1, HashAttr: "sha256",
			Args: map[string]string{
				"url": "literal https://example.org/b", "rev": "literal 5573e39b6600496d40f493d00ec7658479a19607",
				"sha256": `placeholder ""`,
			},
		}},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			src := readTestdata(t, name)
			fs, err := FindFetches(src)
			if err != nil {
				t.Fatal(err)
			}
			checkFetches(t, src, fs)
			if diff := cmp.Diff(want, summarize(fs)); diff != "" {
				t.Errorf("FindFetches (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindFetches(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // per call: Func, then Version's summary or "-"
	}{
		{"comments and strings are not calls", `
			# fetchFromGitHub { rev = "x"; }
			/* fetchgit { rev = "x"; } */
			{ a = "fetchFromGitHub { rev = \"x\"; }"; b = ''fetchgit { rev = "x"; }''; c = '' ''${fetchgit { }} ''; }`,
			nil},
		{"names that are not calls", `{ inherit fetchFromGitHub; f = fetchgit; g = fetchgit.override { }; h = pkgs.fetchgit or null { }; fetchgit = { }; i = a.${name} { }; }`, nil},
		{"heads", `[ (fetchgit { }) (pkgs.fetchgit { }) (super.pkgs.fetchFromGitHub rec { }) ((x.fetchgit) { }) (a.${"fetchgit"} { }) ]`,
			[]string{"fetchgit -", "fetchgit -", "fetchFromGitHub -", "fetchgit -", "fetchgit -"}},
		{"inside interpolation", `"${fetchgit { }}" + ''${fetchgit { }}''`, []string{"fetchgit -", "fetchgit -"}},
		{"rec arguments", `fetchFromGitHub rec { version = "1"; rev = "v${version}"; }`, []string{"fetchFromGitHub literal 1"}},
		{"non-rec set does not bind", `let version = "1"; in { version = "2"; src = fetchgit { }; }`, []string{"fetchgit literal 1"}},
		{"rec set binds", `let version = "1"; in rec { version = "2"; src = fetchgit { }; }`, []string{"fetchgit literal 2"}},
		{"function argument hides", `let version = "1"; in { version ? "2" }: fetchgit { }`, []string{"fetchgit -"}},
		{"lambda argument hides", `let version = "1"; in map (version: fetchgit { }) [ ]`, []string{"fetchgit -"}},
		{"inherit passes outward", `let version = "1"; in rec { inherit version; src = fetchgit { }; }`, []string{"fetchgit literal 1"}},
		{"inherit from hides", `let version = "1"; in rec { inherit (x) version; src = fetchgit { }; }`, []string{"fetchgit -"}},
		{"attribute path hides", `let version.x = "1"; in fetchgit { }`, []string{"fetchgit -"}},
		{"with does not hide", `let version = "1"; in with { version = "3"; }; fetchgit { }`, []string{"fetchgit literal 1"}},
		{"through lists and lambdas", `rec { version = "1"; a = { b = [ (x: fetchgit { }) ]; }; }`, []string{"fetchgit literal 1"}},
		{"inside a let binding", `let version = "1"; f = fetchgit { }; in f`, []string{"fetchgit literal 1"}},
		{"not a literal", `let version = lib.version; in fetchgit { }`, []string{"fetchgit expr lib.version"}},
		{"derivation rec", `buildRustPackage rec { pname = "x"; version = "1.0"; src = fetchFromGitHub { owner = "x"; repo = "y"; rev = "v${version}"; hash = "sha256-..."; }; }`,
			[]string{"fetchFromGitHub literal 1.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := FindFetches([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			checkFetches(t, []byte(tt.src), fs)
			var got []string
			for _, f := range fs {
				v := "-"
				if f.Version != nil {
					v = summary(*f.Version)
				}
				got = append(got, f.Func+" "+v)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FindFetches (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindFetchesArgs(t *testing.T) {
	src := []byte(`fetchgit { "url" = "u"; ${"rev"} = "r"; passthru.rev = "no"; inherit owner; inherit (x) repo; sha256 = "s"; hash = "h"; }`)
	fs, err := FindFetches(src)
	if err != nil {
		t.Fatal(err)
	}
	got := summarize(fs)
	want := []fetchSummary{{Func: "fetchgit", Line: 1, HashAttr: "hash", Args: map[string]string{
		"url": "literal u", "rev": "literal r", "owner": "inherit owner", "repo": "inherit repo",
		"sha256": "literal s", "hash": "literal h",
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFindFetchesSyntaxError(t *testing.T) {
	_, err := FindFetches([]byte("{\n  src = fetchgit { rev = \"x\" };\n}"))
	if err == nil || !strings.HasPrefix(err.Error(), "2:30: ") {
		t.Errorf("FindFetches: %v, want an error at 2:30", err)
	}
}

func bindingSummaries(bs []Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, fmt.Sprintf("%s %d: %s", strings.Join(b.Path, "."), b.Pos.Line, summary(b)))
	}
	return out
}

func TestFindBindings(t *testing.T) {
	tests := []struct {
		file, name string
		want       []string
	}{
		{"go-flake.nix", "vendorHash", []string{
			"vendorHash 25: literal sha256-YwuglEivUiFU8473aF7x9EsPPpQw+AgpoDziT0APN1Q=",
			"vendorHash 38: expr null",
			"vendorHash 46: placeholder pkgs.lib.fakeHash",
		}},
		{"go-flake.nix", "version", []string{"version 12: literal 0.3.1", "version 31: literal 0.4.0-rc.1"}},
		{"rust-flake.nix", "version", []string{"version 18: literal 1.4.2"}},
		{"rust-flake.nix", "cargoLock.outputHashes", []string{
			"cargoLock.outputHashes 29: expr {\n" +
				`              "tree-sitter-0.20.10" = "sha256-fQ3Cj4/ZVlTPBwStwL0/M+4XGo/EiGHzRcJ83wqo9lw=";` + "\n" +
				"              # A git dependency added last week, hash still to come.\n" +
				`              "git-dep-0.1.0" = lib.fakeHash;` + "\n" +
				"            }",
		}},
		{"rust-flake.nix", "url", []string{
			"inputs.nixpkgs.url 4: literal github:NixOS/nixpkgs/nixos-24.05",
			"inputs.flake-utils.url 5: literal github:numtide/flake-utils",
		}},
		{"overlay.nix", "version", []string{
			"version 9: literal 2.0.1", "version 35: literal 3.1", "version 47: literal 0.9",
			"version 48: literal 0.9.1", "version 55: literal 0.1.0",
		}},
		{"overlay.nix", "cargoLock.lockFile", []string{"cargoLock.lockFile 57: expr ./Cargo.lock"}},
		{"overlay.nix", "vendorHash", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.name, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			bs, err := FindBindings(src, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bs {
				checkBinding(t, src, b)
			}
			if diff := cmp.Diff(tt.want, bindingSummaries(bs)); diff != "" {
				t.Errorf("FindBindings(%q) (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestFindBindingsForms(t *testing.T) {
	src := []byte(`let vendorHash = "a"; in {
  "vendorHash" = "b";
  ${"vendorHash"} = "c";
  x.vendorHash = null;
  y = { vendorHash = lib.fakeHash; };
  z = f { vendorHash = ""; };
  vendorHash' = "no";
  vendorHash.x = "no";
  inherit vendorHash;
}`)
	bs, err := FindBindings(src, "vendorHash")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"vendorHash 1: literal a", "vendorHash 2: literal b", "vendorHash 3: literal c",
		"x.vendorHash 4: expr null", "y.vendorHash 5: placeholder lib.fakeHash",
		`vendorHash 6: placeholder ""`,
	}
	if diff := cmp.Diff(want, bindingSummaries(bs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"", "a..b", ".a"} {
		if _, err := FindBindings(src, bad); err == nil {
			t.Errorf("FindBindings(%q) succeeded", bad)
		}
	}
}

func TestFindOutputHashes(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"rust-flake.nix", []string{
			"cargoLock.outputHashes.tree-sitter-0.20.10 30: literal sha256-fQ3Cj4/ZVlTPBwStwL0/M+4XGo/EiGHzRcJ83wqo9lw=",
			"cargoLock.outputHashes.git-dep-0.1.0 32: placeholder lib.fakeHash",
		}},
		{"overlay.nix", []string{
			"cargoLock.outputHashes.serde-1.0.0 58: literal sha256-i5F8S2FjvILvSv8CXG9fTVQgUjLEWV85t7QwCCVqbLc=",
			"cargoLock.outputHashes.simple 59: placeholder prev.lib.fakeSha256",
		}},
		{"go-flake.nix", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			bs, err := FindOutputHashes(src)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bs {
				checkBinding(t, src, b)
			}
			if diff := cmp.Diff(tt.want, bindingSummaries(bs)); diff != "" {
				t.Errorf("FindOutputHashes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindOutputHashesForms(t *testing.T) {
	src := []byte(`{
  a = { cargoLock = { outputHashes = { "x-1" = "1"; y = { z = "no"; }; }; }; };
  b = { cargoLock.outputHashes = { "x-2" = "2"; }; };
  c = { cargoLock.outputHashes."x-3" = "3"; };
  d = { outputHashes = f { "no" = "no"; }; };
}`)
	bs, err := FindOutputHashes(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a.cargoLock.outputHashes.x-1 2: literal 1",
		"a.cargoLock.outputHashes.y 2: expr { z = \"no\"; }",
		"b.cargoLock.outputHashes.x-2 3: literal 2",
		"c.cargoLock.outputHashes.x-3 4: literal 3",
	}
	if diff := cmp.Diff(want, bindingSummaries(bs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
