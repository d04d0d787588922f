package nixedit

import (
	"encoding/json"
	"fmt"
	"github.com/nixgen/nixgen/generator/internal/escape"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/nixgen/nixgen/internal/nixtest"
)

func TestApply(t *testing.T) {
	src := []byte("0123456789")
	tests := []struct {
		name  string
		edits []Edit
		want  string
	}{
		{"none", nil, "0123456789"},
		{"replace", []Edit{{Start: 2, End: 4, Text: "ab"}}, "01ab456789"},
		{"any order", []Edit{{Start: 8, End: 9, Text: "X"}, {Start: 0, End: 1, Text: "Y"}}, "Y1234567X9"},
		{"grow and shrink", []Edit{{Start: 1, End: 2, Text: "long"}, {Start: 5, End: 9, Text: ""}}, "0long2349"},
		{"insert", []Edit{{Start: 3, End: 3, Text: "+"}, {Start: 10, End: 10, Text: "!"}}, "012+3456789!"},
		{"insert before a replacement", []Edit{{Start: 3, End: 5, Text: "R"}, {Start: 3, End: 3, Text: "I"}}, "012IR56789"},
		{"adjacent", []Edit{{Start: 3, End: 5, Text: "a"}, {Start: 5, End: 7, Text: "b"}}, "012ab789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.edits)
			got, err := Apply(src, tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Apply = %q, want %q", got, tt.want)
			}
			if !slices.Equal(before, tt.edits) || string(src) != "0123456789" {
				t.Error("Apply changed its arguments")
			}
		})
	}
	for _, bad := range [][]Edit{
		{{Start: 2, End: 5}, {Start: 4, End: 6}},
		{{Start: 2, End: 5}, {Start: 2, End: 5}},
		{{Start: 3, End: 3, Text: "a"}, {Start: 3, End: 3, Text: "b"}},
		{{Start: 3, End: 6}, {Start: 4, End: 4, Text: "in the middle"}},
		{{Start: -1, End: 1}},
		{{Start: 5, End: 4}},
		{{Start: 9, End: 11}},
	} {
		if got, err := Apply(src, bad); err == nil {
			t.Errorf("Apply(%v) = %q, want an error", bad, got)
		}
	}
}

var quoteCases = []string{
	"", "plain", "sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE=", `a"b`, `a\b`, `\"`,
	"${x}", "$${x}", "$$", "$", "a$", "${", "\\${", "$\\{", "{}", "a\nb", "a\r\nb", "\r", "\tx",
	"\x01\x1f\x7f", "é ü 漢字", "''", "'''", "#", "/*",
}

func TestQuoteString(t *testing.T) {
	tests := map[string]string{
		"":           `""`,
		"v1.2.3":     `"v1.2.3"`,
		`a"b\c`:      `"a\"b\\c"`,
		"${x}":       `"\${x}"`,
		"$${x}":      `"$\${x}"`,
		"a$":         `"a$"`,
		"a\nb\tc\rd": `"a\nb\tc\rd"`,
		"\x01é":      "\"\ufffdé\"",
	}
	for in, want := range tests {
		if got := QuoteString(in); got != want {
			t.Errorf("QuoteString(%q) = %s, want %s", in, got, want)
		}
	}
	for _, s := range quoteCases {
		checkQuoteRoundTrip(t, s)
	}
}

// checkQuoteRoundTrip parses QuoteString(s) and checks that it reads back
// as one plain string holding s.
func checkQuoteRoundTrip(t *testing.T, s string) {
	t.Helper()
	q := QuoteString(s)
	n, err := parse([]byte(q))
	if err != nil {
		t.Fatalf("QuoteString(%q) = %s does not parse: %v", s, q, err)
	}
	if n.kind != nodeString || !n.plain || n.text != escape.NixValue(s) {
		t.Fatalf("QuoteString(%q) = %s reads back as %q (plain %v)", s, q, n.text, n.plain)
	}
}

func FuzzQuoteString(f *testing.F) {
	for _, s := range quoteCases {
		f.Add(s)
	}
	f.Fuzz(checkQuoteRoundTrip)
}

// TestQuoteStringNix has Nix evaluate the quoted strings.
func TestQuoteStringNix(t *testing.T) {
	nixtest.Require(t, "nix-instantiate")
	var want []string
	var b strings.Builder
	b.WriteString("[\n")
	for _, s := range quoteCases {
		if !utf8.ValidString(s) {
			continue // the JSON printer cannot carry it back
		}
		want = append(want, escape.NixValue(s))
		b.WriteString(QuoteString(s) + "\n")
	}
	b.WriteString("]\n")
	file := filepath.Join(t.TempDir(), "quote.nix")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", file).Output()
	if err != nil {
		t.Fatalf("nix-instantiate --eval: %v\n%s", err, stderrOf(err))
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Nix reads the quoted strings as (-want +got):\n%s", diff)
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// pin is one value bump would rewrite.
type pin struct {
	key  string // what it is, for messages and snapshots
	b    Binding
	edit bool // Literal or Placeholder: bump may rewrite it
}

// pins lists what bump looks at in src, in a stable order.
func pins(t *testing.T, src []byte) []pin {
	t.Helper()
	var out []pin
	add := func(key string, b Binding, editable bool) {
		out = append(out, pin{key: key, b: b, edit: editable})
	}
	fs, err := FindFetches(src)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		for _, name := range []string{"rev", "tag", "url", "owner", "repo"} {
			if b, ok := f.Args[name]; ok {
				add(fmt.Sprintf("fetch %d %s", i, name), b, name == "rev" && b.Value.Literal)
			}
		}
		if b, ok := f.Args[f.HashAttr]; ok {
			add(fmt.Sprintf("fetch %d %s", i, f.HashAttr), b, b.Value.Literal || b.Value.Placeholder)
		}
		if f.Version != nil {
			add(fmt.Sprintf("fetch %d version", i), *f.Version, f.Version.Value.Literal)
		}
	}
	vs, err := FindBindings(src, "vendorHash")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range vs {
		add(fmt.Sprintf("vendorHash %d", i), b, b.Value.Literal || b.Value.Placeholder)
	}
	hs, err := FindOutputHashes(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range hs {
		add("outputHashes "+b.Name, b, b.Value.Literal || b.Value.Placeholder)
	}
	return out
}

// nixPrint returns how nix-instantiate --parse prints expr.
func nixPrint(t *testing.T, dir, expr string) string {
	t.Helper()
	file := filepath.Join(dir, "expr.nix")
	if err := os.WriteFile(file, []byte("with { }; "+expr), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("nix-instantiate", "--parse", file).Output()
	if err != nil {
		t.Fatalf("nix-instantiate --parse %q: %v\n%s", expr, err, stderrOf(err))
	}
	s := strings.TrimSpace(string(out))
	return strings.TrimSuffix(strings.TrimPrefix(s, "(with { }; "), ")")
}

// TestEditTestdata rewrites every rev, hash, version, vendorHash and
// outputHashes entry that bump may rewrite in each test file, and checks
// that nothing else changed: not one byte outside the edited spans, no
// other value, and nothing in what Nix parses.
func TestEditTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.nix")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			old := readTestdata(t, filepath.Base(file))
			before := pins(t, old)

			var edits []Edit
			newText := map[int]string{} // by old Value.Start
			for i, p := range before {
				if !p.edit {
					continue
				}
				if _, done := newText[p.b.Value.Start]; done {
					continue // a version seen by several fetches
				}
				var v string
				switch {
				case strings.HasSuffix(p.key, "rev"):
					v = fmt.Sprintf("%040x", 0xb0b0000+i)
				case strings.HasSuffix(p.key, "version"):
					v = fmt.Sprintf("9.8.%d", i)
				default:
					v = fmt.Sprintf("sha256-%042d=", 7000+i)
				}
				newText[p.b.Value.Start] = v
				edits = append(edits, Edit{Start: p.b.Value.Start, End: p.b.Value.End, Text: QuoteString(v)})
			}
			if len(edits) == 0 {
				t.Fatal("nothing to edit")
			}
			got, err := Apply(old, edits)
			if err != nil {
				t.Fatal(err)
			}
			checkOnlySpansChanged(t, old, got, edits)
			if err := Check(got); err != nil {
				t.Fatalf("edited file does not parse: %v", err)
			}

			// Every value reads as before, but for the edited ones.
			after := pins(t, got)
			if len(after) != len(before) {
				t.Fatalf("%d values before the edit, %d after", len(before), len(after))
			}
			for i, p := range before {
				q := after[i]
				if q.key != p.key {
					t.Fatalf("value %d was %s, is %s", i, p.key, q.key)
				}
				if v, ok := newText[p.b.Value.Start]; ok {
					if !q.b.Value.Literal || q.b.Value.Text != v {
						t.Errorf("%s: %s, want %q", q.key, q.b.Value.Raw, v)
					}
				} else if q.b.Value.Raw != p.b.Value.Raw || q.b.Pos.Line != p.b.Pos.Line {
					t.Errorf("%s changed from %s to %s", p.key, p.b.Value.Raw, q.b.Value.Raw)
				}
			}

			checkNixSeesOnlyEdits(t, old, got, before, newText)
		})
	}
}

// checkOnlySpansChanged asserts that got is old with exactly the edits
// made, comparing every byte outside them.
func checkOnlySpansChanged(t *testing.T, old, got []byte, edits []Edit) {
	t.Helper()
	es := slices.Clone(edits)
	slices.SortFunc(es, func(a, b Edit) int { return a.Start - b.Start })
	o, g := 0, 0
	for _, e := range es {
		n := e.Start - o
		if g+n > len(got) || string(got[g:g+n]) != string(old[o:e.Start]) {
			t.Fatalf("bytes before offset %d changed", e.Start)
		}
		g += n
		if !strings.HasPrefix(string(got[g:]), e.Text) {
			t.Fatalf("edit at %d: got %.40q, want %q", e.Start, got[g:], e.Text)
		}
		g += len(e.Text)
		o = e.End
	}
	if string(got[g:]) != string(old[o:]) {
		t.Fatalf("bytes after offset %d changed", o)
	}
}

// checkNixSeesOnlyEdits parses the old and new file with Nix and checks
// that the two parses differ only by the edited values.
func checkNixSeesOnlyEdits(t *testing.T, old, got []byte, before []pin, newText map[int]string) {
	t.Helper()
	nix := nixtest.Require(t, "nix-instantiate")
	dir := t.TempDir()
	parseFile := func(name string, src []byte) string {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, src, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(nix, "--parse", file).Output()
		if err != nil {
			t.Fatalf("nix-instantiate --parse %s: %v\n%s", name, err, stderrOf(err))
		}
		return string(out)
	}
	oldOut := parseFile("old.nix", old)
	newOut := parseFile("new.nix", got)
	for _, p := range before {
		v, ok := newText[p.b.Value.Start]
		if !ok {
			continue
		}
		printed := `"` + v + `"`
		if n := strings.Count(newOut, printed); n != 1 {
			t.Fatalf("Nix prints %s %d times, want once", printed, n)
		}
		newOut = strings.Replace(newOut, printed, nixPrint(t, dir, p.b.Value.Raw), 1)
		delete(newText, p.b.Value.Start)
	}
	if diff := cmp.Diff(oldOut, newOut); diff != "" {
		t.Errorf("Nix parses more than the edits differently (-old +new, edits undone):\n%s", diff)
	}
}
