package render

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/model"
)

func TestPinnedSourceSubmodules(t *testing.T) {
	names := func(pin model.SourcePin) []string {
		v, err := pinnedSource(&pin)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range v.Args {
			out = append(out, a.Name+"="+fmt.Sprint(a.Value))
		}
		return out
	}
	gh := model.SourcePin{Fetcher: "fetchFromGitHub", Owner: "acme", Repo: "relay", Rev: "r", Hash: "h", Submodules: true}
	if diff := cmp.Diff([]string{`owner="acme"`, `repo="relay"`, `rev="r"`, "fetchSubmodules=true", `hash="h"`}, names(gh)); diff != "" {
		t.Errorf("fetchFromGitHub (-want +got):\n%s", diff)
	}
	// fetchgit fetches submodules by default.
	git := model.SourcePin{Fetcher: "fetchgit", URL: "https://example.com/relay.git", Rev: "r", Hash: "h", Submodules: true}
	if diff := cmp.Diff([]string{`url="https://example.com/relay.git"`, `rev="r"`, `hash="h"`}, names(git)); diff != "" {
		t.Errorf("fetchgit (-want +got):\n%s", diff)
	}
}
