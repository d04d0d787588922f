package spdx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLicenses(t *testing.T) {
	for _, tc := range []struct {
		expr           string
		names, unknown []string
	}{
		{"MIT", []string{"mit"}, nil},
		{"MIT OR Apache-2.0", []string{"mit", "asl20"}, nil},
		{"MIT/Apache-2.0", []string{"mit", "asl20"}, nil},
		{"(MIT OR Apache-2.0) AND Unicode-DFS-2016", []string{"mit", "asl20", "unicode-dfs-2016"}, nil},
		{"Apache-2.0 WITH LLVM-exception", []string{"asl20"}, nil},
		{"GPL-3.0-or-later", []string{"gpl3Plus"}, nil},
		{"mit or apache-2.0", []string{"mit", "asl20"}, nil},
		{"MIT OR Proprietary-Thing", []string{"mit"}, []string{"Proprietary-Thing"}},
		{"", nil, nil},
	} {
		names, unknown := Licenses(tc.expr)
		if diff := cmp.Diff(tc.names, names); diff != "" {
			t.Errorf("Licenses(%q) names (-want +got):\n%s", tc.expr, diff)
		}
		if diff := cmp.Diff(tc.unknown, unknown); diff != "" {
			t.Errorf("Licenses(%q) unknown (-want +got):\n%s", tc.expr, diff)
		}
	}
}
