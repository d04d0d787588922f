package nixedit

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nixgen/nixgen/internal/nixtest"
)

// checkCases are programs Check must accept or reject just as Nix does.
// TestCheckAgreesWithNix holds Check to the real parser on each.
var checkCases = []struct {
	src string
	ok  bool
}{
	{`1`, true},
	{``, false},
	{`x: x`, true},
	{`x:x`, true}, // a URI
	{`{ a, b ? 1, ... }@args: a`, true},
	{`args@{ a, b ? 1, ... }: a`, true},
	{`{ a, }: a`, true},
	{`{ }: 1`, true},
	{`{ } @ x: x`, true},
	{`{ ..., a }: a`, false},
	{`{ a }`, false},
	{`{ a = 1; }`, true},
	{`{ a = 1 }`, false},
	{`{ a.b."c".${"d"} = 1; }`, true},
	{`rec { a = 1; b = a; }`, true},
	{`let { body = 1; }`, true},
	{`let a = 1; in a`, true},
	{`let in 1`, true},
	{`let a = 1 in a`, false},
	{`{ inherit a "b"; inherit (x) c d; }`, true},
	{`{ inherit (x); }`, true},
	{`{ or = 1; }.or`, true},
	{`a.b or c`, true},
	{`map or [ 1 ]`, true},
	{`or`, false},
	{`a == b == c`, false},
	{`a < b < c`, false},
	{`a == b && c == d`, true},
	{`a < b == c`, true},
	{`a ? b ? c`, true}, // bison never sees the conflict %nonassoc would settle
	{`a ? b.c && d`, true},
	{`!a + b // -c ++ d -> e || f`, true},
	{`- - 1`, true},
	{`if a then b else c`, true},
	{`if a then b`, false},
	{`assert a; with b; c`, true},
	{`[ 1 (f x) "s" ./p { } ]`, true},
	{`[ 1 2 x: x ]`, false},
	{`[ f x ]`, true},
	{`f { } [ ] ( g ) rec { }`, true},
	{`f let { x = 1; }`, true},
	{`f let x = 1; in x`, false},
	{`"a${b}c"`, true},
	{`"a${b"`, false},
	{`"${ { a = 1; }.a }"`, true},
	{`''a ${b} ''' ''$ ''\n $${c} ''`, true},
	{`''a''''`, false},
	{`''a'''''`, true},
	{`./a/${b}.c`, true},
	{`./${b}`, true},
	{`~/${b}/c`, true},
	{`./a/`, false},
	{`/a//b`, false},
	{`/a//${b}`, true},
	{`/a/${b}//c/d`, true},
	{`./a/${"b"}/`, false},
	{`<nixpkgs>`, true},
	{`<a/>`, false},
	{`a.${b}.c`, true},
	{`a."b"`, true},
	{`a.b.c.or`, true},
	{`f x.y z`, true},
	{`(x)`, true},
	{`(x`, false},
	{`x)`, false},
	{`}`, false},
	{`{`, false},
	{`a /* b */ # c`, true},
	{`a /* b`, false},
	{`1.5e3 + .5 - 1.`, true},
	{`x.0`, true},
	{`a // b`, true},
	{`{ a = 1; } // { b = 2; }`, true},
	{`f -1`, true},
	{`${a}`, false},
	{`{ ${a} = 1; }`, true},
	{`x @ y: 1`, false},
	{`with {}; a`, true},
	{`"\`, false},
	{`"$`, false},
	{`'`, false},
	{`a % b`, false},
	{`inherit`, false},
	{`{ a = let b = 1; in b; }`, true},
	{`{ a = assert true; 1; }`, true},
	{`{ a = with x; b; }`, true},
	{`a: b: { c = a; }`, true},
	{`f (x: x) 1`, true},
}

func TestCheck(t *testing.T) {
	for _, tt := range checkCases {
		err := Check([]byte(tt.src))
		if (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok=%v", tt.src, err, tt.ok)
		}
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Errorf("Check(%q) = %v, want a *SyntaxError", tt.src, err)
		}
	}
}

// nixParses reports whether nix-instantiate --parse accepts src. The
// `with` in front keeps free variables from failing the parse.
func nixParses(t *testing.T, nix, src string) bool {
	t.Helper()
	file := filepath.Join(t.TempDir(), "check.nix")
	if err := os.WriteFile(file, []byte("with {}; "+src), 0o644); err != nil {
		t.Fatal(err)
	}
	return exec.Command(nix, "--parse", file).Run() == nil
}

func TestCheckAgreesWithNix(t *testing.T) {
	nix := nixtest.Require(t, "nix-instantiate")
	for _, tt := range checkCases {
		if tt.src == "" {
			continue // "with {}; " would make it incomplete, not empty
		}
		if got := nixParses(t, nix, tt.src); got != tt.ok {
			t.Errorf("nix-instantiate --parse %q: ok=%v, but the case says %v", tt.src, got, tt.ok)
		}
	}
}

func TestCheckPosition(t *testing.T) {
	err := Check([]byte("{\n  a = 1;\n  b = 2\n}"))
	if err == nil || err.Error() != `4:1: unexpected "}", expected ";"` {
		t.Errorf("Check: %v", err)
	}
}

// literalCases are string literals as they may appear in source.
var literalCases = []string{
	`""`, `"plain"`, `"a\qb"`, `"\$"`, `"$${x}"`, `"$\${x}"`, `"\\"`, `"\n\t\r"`, `"a$"`, `"$$$"`,
	`"\\\${"`, "\"a\r\nb\"", "\"a\rb\"", "\"\\\r\"", "\"tab\there\"", `"\""`, `"''"`,
}

// TestDecodeAgreesWithNix has Nix evaluate literals that the parser takes
// as plain strings and compares the results with their decoded Text.
func TestDecodeAgreesWithNix(t *testing.T) {
	nix := nixtest.Require(t, "nix-instantiate")
	var want []string
	src := "[\n"
	for _, lit := range literalCases {
		n, err := parse([]byte(lit))
		if err != nil || n.kind != nodeString || !n.plain {
			t.Fatalf("%q: not a plain string (%v)", lit, err)
		}
		want = append(want, n.text)
		src += lit + "\n"
	}
	src += "]"
	file := filepath.Join(t.TempDir(), "literals.nix")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nix, "--eval", "--strict", "--json", file).Output()
	if err != nil {
		t.Fatalf("nix-instantiate --eval: %v\n%s", err, stderrOf(err))
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("decoded literals (-nix +ours):\n%s", diff)
	}
}

func TestCheckDeepNesting(t *testing.T) {
	for _, c := range [][2]string{{"(", ")"}, {"!", ""}, {"[", "]"}, {"{ a = ", "; }"}, {"x: ", ""}, {`"${`, `}"`}, {"a ++ ", ""}, {"a -> ", ""}} {
		src := strings.Repeat(c[0], 100000) + "1" + strings.Repeat(c[1], 100000)
		err := Check([]byte(src))
		if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
			t.Errorf("Check(100000 levels of %q): %v", c[0], err)
		}
	}
	if err := Check([]byte(strings.Repeat("(", 1000) + "1" + strings.Repeat(")", 1000))); err != nil {
		t.Errorf("1000 parentheses: %v", err)
	}
}
