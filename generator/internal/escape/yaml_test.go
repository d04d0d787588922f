package escape

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// TestYAMLString reads every value back with a YAML parser, and checks that
// GitHub sees no expression in it except the one that spells "${{".
func TestYAMLString(t *testing.T) {
	for _, s := range hostile {
		checkVisible(t, "YAMLString", s, YAMLString(s))
		// What GitHub evaluates: YAML's value, with "${{" spelled as an
		// expression whose value is "${{".
		want := strings.ReplaceAll(valid(s), "${{", "${{ '${{' }}")
		var doc struct{ V string }
		if err := yaml.Unmarshal([]byte("v: "+YAMLString(s)+"\n"), &doc); err != nil {
			t.Errorf("YAMLString(%q) = %s does not parse: %v", s, YAMLString(s), err)
		} else if doc.V != want {
			t.Errorf("YAMLString(%q) = %s reads back as %q, want %q", s, YAMLString(s), doc.V, want)
		}

		src := "on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n        env:\n          V: " + YAMLString(s) + "\n"
		w, errs := actionlint.Parse([]byte(src))
		if len(errs) > 0 {
			t.Errorf("YAMLString(%q): actionlint cannot parse it: %v", s, errs)
			continue
		}
		for _, v := range w.Jobs["j"].Steps[0].Env.Vars {
			if v.Value.Value != want {
				t.Errorf("YAMLString(%q): GitHub reads %q, want %q", s, v.Value.Value, want)
			}
		}
		linter, err := actionlint.NewLinter(&bytes.Buffer{}, &actionlint.LinterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if errs, err := linter.Lint("w.yml", []byte(src), nil); err != nil || len(errs) > 0 {
			t.Errorf("YAMLString(%q): actionlint: %v %v", s, errs, err)
		}
	}
}

// TestYAMLComment checks that a comment ends where its line ends.
func TestYAMLComment(t *testing.T) {
	for _, s := range hostile {
		checkVisible(t, "YAMLComment", s, YAMLComment(s), '\t')
		var doc map[string]string
		src := "# " + YAMLComment(s) + "\nv: after\n"
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil || len(doc) != 1 || doc["v"] != "after" {
			t.Errorf("YAMLComment(%q) breaks the file: %v %v", s, doc, err)
		}
		src = "# " + YAMLComment(s) + "\non: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n"
		if _, errs := actionlint.Parse([]byte(src)); len(errs) > 0 {
			t.Errorf("YAMLComment(%q) breaks the workflow: %v", s, errs)
		}
	}
}
