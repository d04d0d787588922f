package plan

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestChannelGoMatchesStandin keeps the nixpkgs stand-in's Go toolchains
// per branch (internal/nixtest) equal to channelGo, so evaluation tests see
// exactly the go_1_XX attributes the plan assumes each branch has.
func TestChannelGoMatchesStandin(t *testing.T) {
	data, err := os.ReadFile("../../../internal/nixtest/testdata/standins/nixpkgs/channels.json")
	if err != nil {
		t.Fatal(err)
	}
	var channels map[string]struct {
		Go []string `json:"go"`
	}
	if err := json.Unmarshal(data, &channels); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for branch, c := range channels {
		got[branch] = c.Go
	}
	if diff := cmp.Diff(channelGo, got); diff != "" {
		t.Errorf("channels.json differs from channelGo (-channelGo +channels.json):\n%s", diff)
	}
}
