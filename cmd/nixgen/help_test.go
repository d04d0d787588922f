package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// placeholderRE is what a flag that takes a value shows after its name in
// --help: an upper-case word such as NAME, OWNER/REPO or SYSTEMS, never a
// value such as `tag` or a phrase lifted from the usage text.
var placeholderRE = regexp.MustCompile(`^[A-Z][A-Z0-9_/.-]*$`)

// TestHelpFlags runs every command's --help and checks each flag's line: a
// placeholder for every flag that takes a value, none for a boolean one,
// and at most one default, never a zero value urfave/cli made up.
func TestHelpFlags(t *testing.T) {
	app := newApp(newUI(&bytes.Buffer{}, &bytes.Buffer{}, func(string) string { return "" }))
	commands := map[string][]cli.Flag{"": app.Flags}
	for _, c := range app.Commands {
		commands[c.Name] = c.Flags
	}
	for name, flags := range commands {
		t.Run("nixgen "+name, func(t *testing.T) {
			args := []string{"nixgen", "--help"}
			if name != "" {
				args = []string{"nixgen", name, "--help"}
			}
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr, func(string) string { return "" }); code != 0 {
				t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
			}
			help := stdout.String()
			for _, bad := range []string{"(default: 0)", "(default: false)", `(default: "`, "(default: )"} {
				if strings.Contains(help, bad) {
					t.Errorf("help contains %q:\n%s", bad, help)
				}
			}
			lines := flagLines(help)
			for _, f := range flags {
				names := f.Names()
				line, ok := lines[names[0]]
				if !ok {
					t.Errorf("--%s: no line in the help:\n%s", names[0], help)
					continue
				}
				if n := strings.Count(line, "(default:"); n > 1 {
					t.Errorf("--%s: %d defaults: %s", names[0], n, line)
				}
				_, isBool := f.(*cli.BoolFlag)
				head, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
				words := strings.Fields(strings.ReplaceAll(head, ",", " "))
				var placeholder []string
				for _, w := range words {
					if !strings.HasPrefix(w, "-") {
						placeholder = append(placeholder, w)
					}
				}
				switch {
				case isBool && len(placeholder) > 0:
					t.Errorf("--%s is a switch but shows a placeholder: %s", names[0], line)
				case !isBool && len(placeholder) != 1:
					t.Errorf("--%s takes a value but shows no single placeholder: %s", names[0], line)
				case !isBool && !placeholderRE.MatchString(placeholder[0]):
					t.Errorf("--%s: placeholder %q is not an upper-case word: %s", names[0], placeholder[0], line)
				}
			}
		})
	}
}

// flagLines maps each flag name in a help text to its line.
func flagLines(help string) map[string]string {
	lines := map[string]string{}
	for _, l := range strings.Split(help, "\n") {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "--") {
			continue
		}
		head, _, _ := strings.Cut(t, "  ")
		for _, w := range strings.Fields(strings.ReplaceAll(head, ",", " ")) {
			if strings.HasPrefix(w, "-") {
				lines[strings.TrimLeft(w, "-")] = l
			}
		}
	}
	return lines
}

// TestUsageErrors checks that a usage error exits 2 and names the command
// whose help to read, once.
func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "flag provided but not defined: --bogus (see nixgen --help)\n"},
		{[]string{"bogus"}, `unknown command "bogus" (see nixgen --help)` + "\n"},
		{[]string{"init", "--bogus"}, "flag provided but not defined: --bogus (see nixgen init --help)\n"},
		{[]string{"init", "--port"}, "flag needs an argument: --port (see nixgen init --help)\n"},
		{[]string{"host", "web1", "--nosuch"}, "flag provided but not defined: --nosuch (see nixgen host --help)\n"},
		{[]string{"bump", "--jobs", "many"}, `invalid value "many" for flag --jobs: parse error (see nixgen bump --help)` + "\n"},
		{[]string{"hash", "--bogus", "x"}, "flag provided but not defined: --bogus (see nixgen hash --help)\n"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"nixgen"}, c.args...), &stdout, &stderr, func(string) string { return "" })
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if got := stderr.String(); got != "nixgen: "+c.want {
				t.Errorf("stderr = %q, want %q", got, "nixgen: "+c.want)
			}
			if n := strings.Count(stderr.String(), "--help"); n != 1 {
				t.Errorf("stderr names --help %d times", n)
			}
		})
	}
}
