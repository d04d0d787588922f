package spdx

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/escape"
)

func TestLicenses(t *testing.T) {
	for _, tc := range []struct {
		shape          string
		expr           string
		names, unknown []string
	}{
		{"single id", "MIT", []string{"mit"}, nil},
		{"OR", "MIT OR Apache-2.0", []string{"mit", "asl20"}, nil},
		{"AND", "MIT AND BSD-3-Clause", []string{"mit", "bsd3"}, nil},
		{"legacy slash", "MIT/Apache-2.0", []string{"mit", "asl20"}, nil},
		{"parentheses", "(MIT OR Apache-2.0) AND Unicode-DFS-2016", []string{"mit", "asl20", "unicode-dfs-2016"}, nil},
		{"nested parentheses", "((MIT))", []string{"mit"}, nil},
		{"WITH drops the exception", "Apache-2.0 WITH LLVM-exception", []string{"asl20"}, nil},
		{"WITH inside parentheses", "(Apache-2.0 WITH LLVM-exception) OR MIT", []string{"asl20", "mit"}, nil},
		{"plus means or-later", "GPL-2.0+", []string{"gpl2Plus"}, nil},
		{"plus for AGPL", "AGPL-3.0+", []string{"agpl3Plus"}, nil},
		{"plus without an or-later form", "MPL-1.1+", nil, []string{"MPL-1.1+"}},
		{"deprecated bare GNU id means only", "GPL-3.0", []string{"gpl3Only"}, nil},
		{"deprecated bare LGPL id", "LGPL-2.1 OR LGPL-3.0", []string{"lgpl21Only", "lgpl3Only"}, nil},
		{"deprecated bare GFDL id", "GFDL-1.3", []string{"fdl13Only"}, nil},
		{"current GNU id", "GPL-3.0-or-later", []string{"gpl3Plus"}, nil},
		{"case-insensitive ids and operators", "mit or apache-2.0", []string{"mit", "asl20"}, nil},
		{"duplicates once", "MIT OR MIT AND mit", []string{"mit"}, nil},
		{"unknown id", "MIT OR Proprietary-Thing", []string{"mit"}, []string{"Proprietary-Thing"}},
		{"LicenseRef stays unknown", "MIT AND LicenseRef-Proprietary", []string{"mit"}, []string{"LicenseRef-Proprietary"}},
		{"newer table rows", "BlueOak-1.0.0 OR MulanPSL-2.0", []string{"blueOak100", "mulan-psl2"}, nil},
		{"empty", "", nil, nil},
	} {
		names, unknown := Licenses(tc.expr)
		if diff := cmp.Diff(tc.names, names); diff != "" {
			t.Errorf("%s: Licenses(%q) names (-want +got):\n%s", tc.shape, tc.expr, diff)
		}
		if diff := cmp.Diff(tc.unknown, unknown); diff != "" {
			t.Errorf("%s: Licenses(%q) unknown (-want +got):\n%s", tc.shape, tc.expr, diff)
		}
	}
}

// TestHandWrittenMappingKept checks that every identifier the hand-written
// table before table.go mapped still maps to the same attribute.
func TestHandWrittenMappingKept(t *testing.T) {
	for id, want := range map[string]string{
		"0BSD": "bsd0", "AGPL-3.0": "agpl3Only", "AGPL-3.0-only": "agpl3Only",
		"AGPL-3.0-or-later": "agpl3Plus", "AGPL-3.0+": "agpl3Plus", "Apache-2.0": "asl20",
		"Artistic-2.0": "artistic2", "BSD-2-Clause": "bsd2", "BSD-3-Clause": "bsd3",
		"BSD-4-Clause": "bsdOriginal", "BSL-1.0": "boost", "BUSL-1.1": "bsl11",
		"CC-BY-4.0": "cc-by-40", "CC-BY-SA-4.0": "cc-by-sa-40", "CC0-1.0": "cc0",
		"EPL-2.0": "epl20", "EUPL-1.2": "eupl12", "GPL-2.0": "gpl2Only",
		"GPL-2.0-only": "gpl2Only", "GPL-2.0-or-later": "gpl2Plus", "GPL-2.0+": "gpl2Plus",
		"GPL-3.0": "gpl3Only", "GPL-3.0-only": "gpl3Only", "GPL-3.0-or-later": "gpl3Plus",
		"GPL-3.0+": "gpl3Plus", "ISC": "isc", "LGPL-2.1": "lgpl21Only",
		"LGPL-2.1-only": "lgpl21Only", "LGPL-2.1-or-later": "lgpl21Plus", "LGPL-2.1+": "lgpl21Plus",
		"LGPL-3.0": "lgpl3Only", "LGPL-3.0-only": "lgpl3Only", "LGPL-3.0-or-later": "lgpl3Plus",
		"LGPL-3.0+": "lgpl3Plus", "MIT": "mit", "MIT-0": "mit0", "MPL-2.0": "mpl20",
		"NCSA": "ncsa", "OpenSSL": "openssl", "PostgreSQL": "postgresql",
		"Unicode-DFS-2016": "unicode-dfs-2016", "Unlicense": "unlicense", "WTFPL": "wtfpl",
		"Zlib": "zlib",
	} {
		if got, ok := lookup(id); !ok || got != want {
			t.Errorf("lookup(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}

// TestTable checks the generated data: sorted, one row per identifier, and
// every attribute name written in Nix the way the renderer writes it.
func TestTable(t *testing.T) {
	if len(table) < 200 {
		t.Errorf("table has %d rows; nixpkgs has over 200 licences with an SPDX id", len(table))
	}
	if !sort.SliceIsSorted(table, func(i, j int) bool { return table[i].id < table[j].id }) {
		t.Error("table is not sorted by identifier")
	}
	seen := map[string]string{}
	for _, l := range table {
		if l.id == "" || strings.ContainsAny(l.id, " ()/") {
			t.Errorf("identifier %q cannot appear as one token of an expression", l.id)
		}
		key := strings.ToLower(l.id)
		if other, ok := seen[key]; ok {
			t.Errorf("identifier %q maps to both %s and %s", l.id, other, l.attr)
		}
		seen[key] = l.attr

		attr := escape.NixAttrName(l.attr)
		if escape.IsNixIdent(l.attr) {
			if attr != l.attr {
				t.Errorf("%q: a plain identifier was quoted as %s", l.attr, attr)
			}
			continue
		}
		// Not a plain identifier: it must be written as a quoted attribute
		// name that reads back as itself.
		if attr != `"`+l.attr+`"` || strings.ContainsAny(l.attr, "\"\\$\n") {
			t.Errorf("%q: quoted as %s", l.attr, attr)
		}
	}
}
