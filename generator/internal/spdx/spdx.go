// Package spdx maps SPDX license expressions to nixpkgs lib.licenses names.
package spdx

import (
	"sort"
	"strings"
)

// licenses maps SPDX identifiers (including the deprecated GPL forms that
// crates still use) to attribute names under nixpkgs' lib.licenses.
var licenses = map[string]string{
	"0BSD":              "bsd0",
	"AGPL-3.0":          "agpl3Only",
	"AGPL-3.0-only":     "agpl3Only",
	"AGPL-3.0-or-later": "agpl3Plus",
	"AGPL-3.0+":         "agpl3Plus",
	"Apache-2.0":        "asl20",
	"Artistic-2.0":      "artistic2",
	"BSD-2-Clause":      "bsd2",
	"BSD-3-Clause":      "bsd3",
	"BSD-4-Clause":      "bsdOriginal",
	"BSL-1.0":           "boost",
	"BUSL-1.1":          "bsl11",
	"CC-BY-4.0":         "cc-by-40",
	"CC-BY-SA-4.0":      "cc-by-sa-40",
	"CC0-1.0":           "cc0",
	"EPL-2.0":           "epl20",
	"EUPL-1.2":          "eupl12",
	"GPL-2.0":           "gpl2Only",
	"GPL-2.0-only":      "gpl2Only",
	"GPL-2.0-or-later":  "gpl2Plus",
	"GPL-2.0+":          "gpl2Plus",
	"GPL-3.0":           "gpl3Only",
	"GPL-3.0-only":      "gpl3Only",
	"GPL-3.0-or-later":  "gpl3Plus",
	"GPL-3.0+":          "gpl3Plus",
	"ISC":               "isc",
	"LGPL-2.1":          "lgpl21Only",
	"LGPL-2.1-only":     "lgpl21Only",
	"LGPL-2.1-or-later": "lgpl21Plus",
	"LGPL-2.1+":         "lgpl21Plus",
	"LGPL-3.0":          "lgpl3Only",
	"LGPL-3.0-only":     "lgpl3Only",
	"LGPL-3.0-or-later": "lgpl3Plus",
	"LGPL-3.0+":         "lgpl3Plus",
	"MIT":               "mit",
	"MIT-0":             "mit0",
	"MPL-2.0":           "mpl20",
	"NCSA":              "ncsa",
	"OpenSSL":           "openssl",
	"PostgreSQL":        "postgresql",
	"Unicode-DFS-2016":  "unicode-dfs-2016",
	"Unlicense":         "unlicense",
	"WTFPL":             "wtfpl",
	"Zlib":              "zlib",
}

// Licenses returns the lib.licenses attribute names for an SPDX expression
// such as "MIT OR Apache-2.0" (or the legacy "MIT/Apache-2.0"), in order of
// first appearance and without duplicates, and the identifiers it could not
// map. Exceptions after WITH are dropped: nixpkgs models only the base
// license.
func Licenses(expr string) (names, unknown []string) {
	seen := map[string]bool{}
	fields := strings.FieldsFunc(expr, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '(' || r == ')' || r == '/'
	})
	for i := 0; i < len(fields); i++ {
		id := fields[i]
		switch strings.ToUpper(id) {
		case "OR", "AND":
			continue
		case "WITH":
			i++ // skip the exception identifier
			continue
		}
		name, ok := lookup(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names, unknown
}

func lookup(id string) (string, bool) {
	if name, ok := licenses[id]; ok {
		return name, true
	}
	// SPDX identifiers are case-insensitive.
	for k, v := range licenses {
		if strings.EqualFold(k, id) {
			return v, true
		}
	}
	return "", false
}

// Known returns every SPDX identifier this package maps, sorted.
func Known() []string {
	ids := make([]string, 0, len(licenses))
	for id := range licenses {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
