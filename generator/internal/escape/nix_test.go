package escape

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// evalNix evaluates the Nix list of strings written by exprs, in a file in
// dir, and returns the SHA-256 of each string (hashes carry any bytes
// through JSON).
func evalNix(t *testing.T, dir string, exprs []string) []string {
	t.Helper()
	tool := nixtest.Require(t, "nix-instantiate")
	var b strings.Builder
	b.WriteString("map (builtins.hashString \"sha256\") [\n")
	for _, e := range exprs {
		b.WriteString("(" + e + ")\n")
	}
	b.WriteString("]\n")
	file := filepath.Join(dir, "eval.nix")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--eval", "--strict", "--json", file).Output()
	if err != nil {
		t.Fatalf("nix-instantiate --eval:\n%s\n%v", b.String(), stderr(err))
	}
	var hashes []string
	if err := json.Unmarshal(out, &hashes); err != nil || len(hashes) != len(exprs) {
		t.Fatalf("nix-instantiate printed %s (%v)", out, err)
	}
	return hashes
}

func stderr(err error) string {
	if exit, ok := err.(*exec.ExitError); ok {
		return string(exit.Stderr)
	}
	return err.Error()
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestNixRoundTrip evaluates every escaper's output with Nix and compares
// the value with the original.
func TestNixRoundTrip(t *testing.T) {
	dir := t.TempDir()
	type probe struct{ what, expr, want string }
	var probes []probe
	for _, s := range hostile {
		v := NixValue(s)
		probes = append(probes,
			probe{"NixString", NixString(s), v},
			probe{"NixInString", `"<` + NixInString(s) + `>"`, "<" + v + ">"},
			probe{"NixAttrName", "builtins.head (builtins.attrNames { " + NixAttrName(s) + " = null; })", v},
			probe{"NixSelect", "let set = { " + NixAttrName(s) + " = \"found\"; }; in " + NixSelect("set", s), "found"},
			probe{"NixComment", "# " + NixComment(s) + "\n\"after\"", "after"},
			// As in a template: the value on lines of its own, where a
			// first line that is not blank keeps the indentation as it is.
			probe{"NixIndented", "''\nx" + NixIndented(s) + "\n''", "x" + v + "\n"},
			// Indented by a template, the value's own line breaks too.
			probe{"NixIndented", "''\n  x" + strings.ReplaceAll(NixIndented(s), "\n", "\n  ") + "\n''", "x" + v + "\n"},
		)
		for what, out := range map[string]string{"NixString": NixString(s), "NixAttrName": NixAttrName(s), "NixComment": NixComment(s)} {
			checkVisible(t, what, s, out)
		}
		checkVisible(t, "NixIndented", s, NixIndented(s), '\t', '\n')
	}
	for _, rel := range []string{"migrations", "crates/db/migrations", ".sqlx", "my dir/x", "${x}", `a"b`, "x/", "./assets", "ünï"} {
		probes = append(probes, probe{"NixPath", "toString " + NixPath(rel), filepath.Join(dir, rel)})
	}
	probes = append(probes, probe{"NixPath", "toString " + NixPath("."), dir})
	exprs := make([]string, len(probes))
	for i, p := range probes {
		exprs[i] = p.expr
	}
	for i, got := range evalNix(t, dir, exprs) {
		if p := probes[i]; got != sha(p.want) {
			t.Errorf("%s: %s does not evaluate to %q", p.what, p.expr, p.want)
		}
	}
}

// TestNixValue pins what NixString writes for characters Nix cannot escape.
func TestNixValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc\u202edcb", "abc\ufffddcb"},
		{"zero\u200bwidth\u00ad", "zero\ufffdwidth\ufffd"},
		{"bell\a esc\x1b nul\x00", "bell\ufffd esc\ufffd nul\ufffd"},
		{"tab\tline\ncr\r", "tab\tline\ncr\r"},
		{"\xff", "\ufffd"},
		{"ünïcødé ✓ 😀", "ünïcødé ✓ 😀"},
	} {
		if got := NixValue(tc.in); got != tc.want {
			t.Errorf("NixValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNixIndented pins the escapes of an indented string, and a lone quote
// before "${" in particular: "'" then "”${" would read as "”'" (two
// quotes) and then an interpolation.
func TestNixIndented(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a'${x}", `a''\'''${x}`},
		{"''${x}", `'''''${x}`},
		{"'''${x}", `'''''\'''${x}`},
		{"it's $HOME", "it's $HOME"},
		{"''", "'''"},
		{"a\rb", `a''\rb`},
	} {
		if got := NixIndented(tc.in); got != tc.want {
			t.Errorf("NixIndented(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNixString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"${pkgs.evil}", `"\${pkgs.evil}"`},
		{"$${x}", `"$\${x}"`},
		{"cost: $5", `"cost: $5"`},
		{"ends in $", `"ends in $"`},
		{"a\nb\tc\rd", `"a\nb\tc\rd"`},
		{"''indented''", `"''indented''"`},
		{"ünïcødé ✓", `"ünïcødé ✓"`},
	} {
		if got := NixString(tc.in); got != tc.want {
			t.Errorf("NixString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNixAttrName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"server", "server"},
		{"my-server", "my-server"},
		{"a_b'c", "a_b'c"},
		{"2fa", `"2fa"`},
		{"in", `"in"`},
		{"or", `"or"`},
		{"with space", `"with space"`},
		{"x.y", `"x.y"`},
		{"", `""`},
	} {
		if got := NixAttrName(tc.in); got != tc.want {
			t.Errorf("NixAttrName(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNixPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{".", "./."},
		{"migrations", "./migrations"},
		{"crates/db/migrations", "./crates/db/migrations"},
		{".sqlx", "./.sqlx"},
		{"../shared", "../shared"},
		{"my dir/x", `(./. + "/my dir/x")`},
		{"${x}", `(./. + "/\${x}")`},
	} {
		if got := NixPath(tc.in); got != tc.want {
			t.Errorf("NixPath(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNixStoreName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"api-server", "api-server"},
		{"1.2.3+build.4", "1.2.3+build.4"},
		{".hidden", "-hidden"},
		{"a b/c", "a-b-c"},
		{"ünï", "--n--"},
	} {
		if got := NixStoreName(tc.in); got != tc.want {
			t.Errorf("NixStoreName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
