package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// TestSkipTests: nixgen.toml's skip-tests replaces what detection found,
// keeping what it knows of the tests it lists; without it, the detected
// tests are skipped and named in a warning.
func TestSkipTests(t *testing.T) {
	detected := []model.SkippedTest{
		{Name: "db::tests::connects", Reason: "a database server", At: "src/db.rs:12"},
		{Name: "fetches", Reason: "the network", At: "tests/api.rs:3"},
	}
	p := &model.Project{SkipTests: detected}
	warnings := skipTests(p, nil)
	if len(warnings) != 1 || !strings.Contains(warnings[0], "db::tests::connects (src/db.rs:12): a database server; fetches (tests/api.rs:3): the network") {
		t.Errorf("warnings = %q", warnings)
	}
	if diff := cmp.Diff(detected, p.SkipTests); diff != "" {
		t.Errorf("without a choice (-want +got):\n%s", diff)
	}

	p = &model.Project{SkipTests: detected}
	if w := skipTests(p, &[]string{"slow::soak", "fetches"}); len(w) != 0 {
		t.Errorf("the user's list warns: %q", w)
	}
	want := []model.SkippedTest{
		{Name: "fetches", Reason: "the network", At: "tests/api.rs:3"},
		{Name: "slow::soak", Reason: "listed in nixgen.toml", At: "nixgen.toml"},
	}
	if diff := cmp.Diff(want, p.SkipTests); diff != "" {
		t.Errorf("with nixgen.toml's list (-want +got):\n%s", diff)
	}

	p = &model.Project{SkipTests: detected}
	skipTests(p, &[]string{})
	if len(p.SkipTests) != 0 {
		t.Errorf("an empty list skips nothing: %v", p.SkipTests)
	}
}
