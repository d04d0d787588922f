package nixedit

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nixgen/nixgen/internal/nixtest"
)

// genExpr builds a random valid expression of the given depth, touching
// every construct of the grammar.
func genExpr(r *rand.Rand, depth int) string {
	if depth <= 0 {
		leaves := []string{"a", "1", `"s"`, "./p", "<n>", "x.y", "''i''", "{ }", "[ ]", "2.5", "http://u"}
		return leaves[r.Intn(len(leaves))]
	}
	e := func() string { return genExpr(r, depth-1) }
	forms := []func() string{
		func() string { return "x: " + e() },
		func() string { return "{ a, b ? " + e() + ", ... }@z: " + e() },
		func() string { return "a@{ }: " + e() },
		func() string { return "let a = " + e() + "; inherit (" + e() + ") b; in " + e() },
		func() string { return "if " + e() + " then " + e() + " else " + e() },
		func() string { return "with " + e() + "; " + e() },
		func() string { return "assert " + e() + "; " + e() },
		func() string { return "{ a.b = " + e() + "; \"c\" = " + e() + "; ${" + e() + "} = 1; inherit d; }" },
		func() string { return "rec { v = " + e() + "; }" },
		func() string { return "[ (" + e() + ") a \"${" + e() + "}\" ]" },
		func() string { return "(" + e() + ").a.b or (" + e() + ")" },
		func() string { return "''x ${" + e() + "} ''$ ''' y''" },
		func() string { return "\"a${" + e() + "}$${b}\\${c}\"" },
		func() string { return "./a/${" + e() + "}.n" },
		func() string { return "f (" + e() + ") { x = " + e() + "; }" },
		func() string { return "!(" + e() + ") && -(" + e() + ")" },
		func() string { return "(" + e() + ") ? a.\"b\"" },
		func() string { return "/* c */ (" + e() + ") # d\n" },
		func() string { return "(" + e() + ") // { } ++ [ ] + 1 * 2 - 3 / 4" },
		func() string { return "(" + e() + ") == (" + e() + ") -> a || b" },
	}
	return forms[r.Intn(len(forms))]()
}

// fragments are pieces of Nix, many of them broken, for mutating programs.
var fragments = []string{
	"a", "b.c", "1", "2.5", ".5", `"s"`, `"`, `"${`, "${", "}", "{", "=", ";", ":", ",", "@", "?",
	"let", "in", "rec", "inherit", "if", "then", "else", "with", "assert", "or",
	"(", ")", "[", "]", "''", "'''", "''$", "''\\", "''${", "'", "$", "$$", "$${", "\\", "\\${", `\"`,
	"./a", "./a/", "./${", "a/", "a/${", "~/", "~/a", "<a>", "<a/b>", "2/3", "/", "//", "http://x", "x:y",
	"...", "==", "-", "!", "+", "++", "<", ">", "&&", "||", "->", "*", ".", "#c\n", "/*c*/",
	" ", "\n", "\r", "\t", "x:", "x@", "e", "0", `${"s"}`,
}

// TestCheckAgreesWithNixRandom holds Check to nix-instantiate --parse on
// random programs: valid ones from genExpr, the same mutated, and token
// soup. The seed is fixed, so a failure reproduces.
func TestCheckAgreesWithNixRandom(t *testing.T) {
	nix := nixtest.Require(t, "nix-instantiate")
	r := rand.New(rand.NewSource(1))
	var cases []string
	for range 300 {
		cases = append(cases, genExpr(r, 1+r.Intn(4)))
	}
	valid := cases
	for range 400 {
		s := valid[r.Intn(len(valid))]
		for range 1 + r.Intn(3) {
			at := r.Intn(len(s) + 1)
			switch r.Intn(3) {
			case 0:
				s = s[:at] + fragments[r.Intn(len(fragments))] + s[at:]
			case 1:
				if at < len(s) {
					s = s[:at] + s[at+1:]
				}
			default:
				s = s[:at] + " " + fragments[r.Intn(len(fragments))] + " " + s[at:]
			}
		}
		cases = append(cases, s)
	}
	for range 300 {
		var b strings.Builder
		for range 1 + r.Intn(8) {
			b.WriteString(fragments[r.Intn(len(fragments))])
		}
		cases = append(cases, b.String())
	}

	dir := t.TempDir()
	nixOK := make([]bool, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				// `with` keeps free variables from failing the parse.
				file := filepath.Join(dir, strconv.Itoa(i)+".nix")
				if err := os.WriteFile(file, []byte("with { }; "+cases[i]), 0o644); err != nil {
					panic(err)
				}
				out, err := exec.Command(nix, "--parse", file).CombinedOutput()
				// Check leaves semantic errors such as duplicate
				// attributes to evaluation.
				nixOK[i] = err == nil || strings.Contains(string(out), "duplicate") || strings.Contains(string(out), "already defined")
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()

	accepted := 0
	for i, src := range cases {
		err := Check([]byte("with { }; " + src))
		if nixOK[i] {
			accepted++
		}
		if nixOK[i] != (err == nil) {
			t.Errorf("%q: Nix accepts it: %v; Check: %v", src, nixOK[i], err)
		}
	}
	if accepted < len(cases)/5 {
		t.Errorf("only %d of %d cases parse; the generator has gone wrong", accepted, len(cases))
	}
}
