// Package spdx maps SPDX license expressions to nixpkgs lib.licenses names.
package spdx

import (
	"sort"
	"strings"
)

// license is one row of table: an SPDX identifier and the attribute name
// under nixpkgs' lib.licenses that carries it.
type license struct{ id, attr string }

// byID indexes table by lower-cased identifier: SPDX identifiers are
// case-insensitive.
var byID = func() map[string]string {
	m := make(map[string]string, len(table))
	for _, l := range table {
		m[strings.ToLower(l.id)] = l.attr
	}
	return m
}()

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

// lookup maps one SPDX identifier. Besides the table's own identifiers it
// reads SPDX's deprecated forms that crates still use: "GPL-2.0+" means
// "GPL-2.0-or-later", and a bare "GPL-2.0" means "GPL-2.0-only".
func lookup(id string) (string, bool) {
	if attr, ok := byID[strings.ToLower(id)]; ok {
		return attr, true
	}
	if base, ok := strings.CutSuffix(id, "+"); ok {
		attr, ok := byID[strings.ToLower(base+"-or-later")]
		return attr, ok
	}
	attr, ok := byID[strings.ToLower(id+"-only")]
	return attr, ok
}

// Known returns every SPDX identifier in the table, sorted; lookup also
// reads the deprecated forms derived from them.
func Known() []string {
	ids := make([]string, len(table))
	for i, l := range table {
		ids[i] = l.id
	}
	sort.Strings(ids)
	return ids
}
