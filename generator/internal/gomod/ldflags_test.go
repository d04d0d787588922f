package gomod

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goSplit is how the go command splits -ldflags (cmd/internal/quoted):
// fields at spaces; a field that starts with ' or " runs to the same
// quote, with no escapes; quotes inside a field are plain characters.
func goSplit(s string) ([]string, bool) {
	var f []string
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return f, true
		}
		if q := s[0]; q == '\'' || q == '"' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, false
			}
			f = append(f, s[1:1+end])
			s = s[2+end:]
			continue
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		f = append(f, s[:end])
		s = s[end:]
	}
}

// The flags are written so that the go command, which gets them joined
// by spaces (buildGoModule's -ldflags="$ldflags"), splits them into the
// words goreleaser's go build got.
func TestLdflagsQuoting(t *testing.T) {
	for name, tc := range map[string]struct {
		flags string   // goreleaser's ldflags entry
		words []string // what go build gets
		want  []string // nixgen's flags
	}{
		"apostrophe":      {`-X "main.msg=it's a b"`, []string{"-X", "main.msg=it's a b"}, []string{`-X "main.msg=it's a b"`}},
		"double quotes":   {`-X 'main.msg=say "hi" now'`, []string{"-X", `main.msg=say "hi" now`}, []string{`-X 'main.msg=say "hi" now'`}},
		"spaces":          {`-X "main.msg=hello world"`, []string{"-X", "main.msg=hello world"}, []string{"-X 'main.msg=hello world'"}},
		"inner quote":     {`-X main.msg=it's`, []string{"-X", "main.msg=it's"}, []string{"-X main.msg=it's"}},
		"mid-word quotes": {`-X main.msg='a`, []string{"-X", "main.msg='a"}, []string{"-X main.msg='a"}},
		"trailing space":  {`-s -X "main.msg=it's "`, []string{"-s", "-X", "main.msg=it's "}, []string{"-s", `-X "main.msg=it's "`}},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.words != nil {
				if got, ok := goSplit(tc.flags); !ok || !cmp.Equal(got, tc.words) {
					t.Fatalf("the case is wrong: go splits %s into %q", tc.flags, got)
				}
			}
			got := translateLdflags([]string{tc.flags})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if tc.words != nil {
				words, ok := goSplit(strings.Join(got, " "))
				if !ok || !cmp.Equal(words, tc.words) {
					t.Errorf("go splits %q into %q, want %q", strings.Join(got, " "), words, tc.words)
				}
			}
		})
	}
}

// A word with both quote characters and a space has no spelling go
// reads back; such a flag is left out rather than broken.
func TestQuoteLdflagImpossible(t *testing.T) {
	if q, ok := quoteLdflag(`it's "x" y`); ok {
		t.Errorf("quoteLdflag = %s, want no spelling", q)
	}
}

// The real go command builds with the flags and the program sees the
// string goreleaser meant.
func TestLdflagsGoBuild(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nvar msg, other string\n\nfunc main() { fmt.Print(msg + \"|\" + other) }\n"), 0o644)
	flags := translateLdflags([]string{`-X "main.msg=it's a b" -X 'main.other=say "hi"'`})
	bin := filepath.Join(dir, "m")
	cmd := exec.Command("go", "build", "-o", bin, "-ldflags="+strings.Join(flags, " "), ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags=%s: %v\n%s", strings.Join(flags, " "), err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || string(out) != `it's a b|say "hi"` {
		t.Errorf("the program printed %q (%v)", out, err)
	}
}
