package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readmeCase says how to run one command line of README.md: where, after
// which other commands, and with what exit code; or why it cannot run here.
type readmeCase struct {
	// in is the directory the command runs in: "repo" (the repository
	// root), "project" (a copy of the greeter example, the README's
	// walkthrough project), "beside" (an empty directory beside such a copy
	// named api), or "empty".
	in     string
	before []string // commands run first, in the same directory
	exit   int
	skip   string // why it cannot run offline; empty when it runs
	output string // a line the README shows the command printing
}

// readmeProject is the walkthrough's greeter: an axum service on port 8080.
const readmeProject = "rust-axum-openssl"

// readmeCommands lists every nixgen command line in README.md's code
// blocks. A command added to the README fails the test until it is listed
// here, and one listed here but gone from the README fails it too.
var readmeCommands = map[string]readmeCase{
	"go run ./cmd/nixgen init --dry-run fixtures/init/rust-axum-openssl/input": {in: "repo"},
	"nixgen init": {in: "project", output: "detected greeter 0.3.1 (rust crate, builder rust-platform, service on port 8080)"},
	"nixgen init --force --cachix greeter --deploy-repo you/nixos-config":                   {in: "project", before: []string{"nixgen init"}},
	"nixgen host vps --app github:you/greeter --service greeter --hostname vps.example.org": {in: "empty"},
	"nixgen init ../api --builder crane":                                                    {in: "beside"},
	"nixgen init --dry-run":                                                                 {in: "project"},
	"nixgen init --force --nixpkgs nixos-unstable":                                          {in: "project", before: []string{"nixgen init"}},
	"nixgen check":                          {in: "project", before: []string{"nixgen init"}},
	"nixgen init --diff":                    {in: "project", before: []string{"nixgen init"}},
	"nixgen check --rehash":                 {in: "project", before: []string{"nixgen init"}},
	"nixgen inspect":                        {in: "project"},
	"nixgen inspect --bin greeter":          {in: "project"},
	"nixgen init --src github --rev v1.4.0": {skip: "prefetches the tag v1.4.0 of the origin remote's GitHub repository (network)"},
	"nixgen bump --deps":                    {skip: "prefetches every pin and Cargo git dependency (network)"},
	"nixgen bump --check --deps":            {skip: "prefetches every pin and Cargo git dependency (network)"},
	"nixgen hash ./vendor":                  {in: "project", before: []string{"mkdir vendor"}},
	"nixgen completion bash":                {in: "empty"},
	"nixgen completion zsh":                 {in: "empty"},
	"nixgen completion fish":                {in: "empty"},
	"nixgen version":                        {in: "empty"},
	"nixgen --version":                      {in: "empty"},
}

// TestReadmeExamples runs every nixgen command line in README.md's code
// blocks as written, against the walkthrough's example project, and checks
// its exit code.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	found := readmeCommandLines(string(readme))
	if len(found) < 10 {
		t.Fatalf("found only %d nixgen commands in README.md: %q", len(found), found)
	}
	for _, line := range found {
		if _, ok := readmeCommands[line]; !ok {
			t.Errorf("README.md runs %q, which readmeCommands does not list: add how to run it", line)
		}
	}
	for line := range readmeCommands {
		if !slices.Contains(found, line) {
			t.Errorf("readmeCommands lists %q, which README.md no longer shows", line)
		}
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range found {
		c, ok := readmeCommands[line]
		if !ok {
			continue
		}
		t.Run(line, func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip)
			}
			switch c.in {
			case "repo":
				t.Chdir(root)
			case "project":
				t.Chdir(readmeCopy(t, filepath.Join(t.TempDir(), "greeter")))
			case "beside":
				parent := t.TempDir()
				readmeCopy(t, filepath.Join(parent, "api"))
				work := filepath.Join(parent, "work")
				if err := os.Mkdir(work, 0o755); err != nil {
					t.Fatal(err)
				}
				t.Chdir(work)
			case "empty":
				t.Chdir(t.TempDir())
			default:
				t.Fatalf("unknown directory %q", c.in)
			}
			for _, b := range c.before {
				if dir, ok := strings.CutPrefix(b, "mkdir "); ok {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if code, _, stderr := runLine(b); code != 0 {
					t.Fatalf("%s: exit %d\n%s", b, code, stderr)
				}
			}
			code, stdout, stderr := runLine(line)
			if code != c.exit {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.exit, stdout, stderr)
			}
			if c.output != "" && !strings.Contains(stdout+stderr, c.output+"\n") {
				t.Errorf("the output lacks the README's %q:\n%s%s", c.output, stdout, stderr)
			}
		})
	}
}

// runLine runs a README command line in-process; "go run ./cmd/nixgen" is
// this nixgen.
func runLine(line string) (int, string, string) {
	args := strings.Fields(strings.Replace(line, "go run ./cmd/nixgen", "nixgen", 1))
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr, func(string) string { return "" })
	return code, stdout.String(), stderr.String()
}

// readmeCopy copies the walkthrough's example project to dir.
func readmeCopy(t *testing.T, dir string) string {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(fixturesDir, readmeProject, "input"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readmeCommandLines returns the nixgen command lines in the markdown's sh
// and console code blocks, in order, once each: every line's words from
// "nixgen" (or "go run ./cmd/nixgen") up to a comment, a pipe, a
// redirection, && or the end of a $(...) or <(...). In console blocks only
// lines after a "$ " prompt are commands.
func readmeCommandLines(markdown string) []string {
	var out []string
	lang, inBlock := "", false
	sc := bufio.NewScanner(strings.NewReader(markdown))
	for sc.Scan() {
		line := sc.Text()
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			inBlock, lang = !inBlock, fence
			continue
		}
		if !inBlock || (lang != "sh" && lang != "console" && lang != "bash") {
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i] // a comment
		}
		if lang == "console" {
			var ok bool
			if line, ok = strings.CutPrefix(line, "$ "); !ok {
				continue
			}
		}
		words := strings.Fields(line)
		for i := 0; i < len(words); i++ {
			var cmd []string
			switch {
			case words[i] == "nixgen" || strings.HasSuffix(words[i], "(nixgen"):
				cmd = []string{"nixgen"}
			case words[i] == "go" && i+2 < len(words) && words[i+1] == "run" && words[i+2] == "./cmd/nixgen":
				cmd = []string{"go", "run", "./cmd/nixgen"}
				i += 2
			default:
				continue
			}
			for i++; i < len(words); i++ {
				w := words[i]
				if strings.ContainsAny(w[:1], "#|&;><") {
					break
				}
				if before, _, closed := strings.Cut(w, ")"); closed {
					if before != "" {
						cmd = append(cmd, before)
					}
					break
				}
				cmd = append(cmd, w)
			}
			if s := strings.Join(cmd, " "); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
