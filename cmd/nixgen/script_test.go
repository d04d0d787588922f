package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nixgen/nixgen/internal/nixtest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"nixgen": func() { os.Exit(run(os.Args, os.Stdout, os.Stderr, os.Getenv)) },
	})
}

// TestScript runs the txtar scripts in testdata/script: the command line's
// flags, messages, exit codes and the files it writes, end to end.
func TestScript(t *testing.T) {
	// Some scripts skip themselves without git ([!exec:git] skip); under CI
	// git is required, so they cannot vanish there.
	if os.Getenv("CI") != "" {
		nixtest.Require(t, "git")
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", mustAbs(t, fixturesDir))
			return nil
		},
	})
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd + "/" + p
}
