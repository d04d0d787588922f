package gomod

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// licenseRule recognises one licence by phrases of its text: a rule
// matches when every phrase of All is present.
type licenseRule struct {
	SPDX string
	All  []string
}

// licenseRules are checked in order; the first match decides a file.
// Phrases are lower case with single spaces, as normalizeLicense makes the
// text. The GNU licences are matched on their title and version line,
// because their texts name each other; a short notice without the full
// text is not recognised.
var licenseRules = []licenseRule{
	{SPDX: "Apache-2.0", All: []string{"apache license", "version 2.0"}},
	{SPDX: "MPL-2.0", All: []string{"mozilla public license", "2.0"}},
	{SPDX: "AGPL-3.0", All: []string{"gnu affero general public license version 3, 19 november 2007"}},
	{SPDX: "LGPL-3.0", All: []string{"gnu lesser general public license version 3, 29 june 2007"}},
	{SPDX: "LGPL-2.1", All: []string{"gnu lesser general public license version 2.1, february 1999"}},
	{SPDX: "LGPL-2.0", All: []string{"gnu library general public license version 2, june 1991"}},
	{SPDX: "GPL-3.0", All: []string{"gnu general public license version 3, 29 june 2007"}},
	{SPDX: "GPL-2.0", All: []string{"gnu general public license version 2, june 1991"}},
	{SPDX: "Unlicense", All: []string{"this is free and unencumbered software released into the public domain"}},
	{SPDX: "ISC", All: []string{"permission to use, copy, modify, and", "distribute this software for any purpose with or without fee is hereby granted"}},
	{SPDX: "MIT", All: []string{"permission is hereby granted, free of charge, to any person obtaining a copy"}},
	{SPDX: "BSD-3-Clause", All: []string{"redistribution and use in source and binary forms", "endorse or promote products derived from this software"}},
	{SPDX: "BSD-2-Clause", All: []string{"redistribution and use in source and binary forms"}},
}

// licenseFile reports whether a root file name is a licence file:
// LICENSE, LICENCE, COPYING, UNLICENSE, with any extension or suffix (LICENSE.md,
// LICENSE-MIT, COPYING.LESSER).
func licenseFile(name string) bool {
	upper := strings.ToUpper(name)
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "UNLICENSE"} {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	return false
}

// detectLicense returns the SPDX id of the root licence files when they
// agree on one licence, "" when there is none, it is unknown, or several
// (dual licensing) are found. A GPL COPYING beside COPYING.LESSER is the
// conventional layout of an LGPL project.
func detectLicense(fsys fs.FS, warn func(string)) (string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", fmt.Errorf("read root: %w", err)
	}
	found := map[string]bool{}
	lesser := false
	for _, e := range entries {
		if e.IsDir() || !licenseFile(e.Name()) {
			continue
		}
		data, err := projfs.ReadFile(fsys, e.Name())
		if skip, ok := projfs.Skipped(err); ok {
			warn(skip.Error())
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", e.Name(), err)
		}
		id := matchLicense(string(data))
		if id == "" {
			return "", nil
		}
		found[id] = true
		if strings.HasPrefix(strings.ToUpper(e.Name()), "COPYING.LESSER") {
			lesser = true
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	switch {
	case len(ids) == 1:
		return ids[0], nil
	case lesser && len(ids) == 2 && strings.HasPrefix(ids[0], "GPL-") && strings.HasPrefix(ids[1], "LGPL-"):
		return ids[1], nil
	}
	return "", nil
}

// matchLicense returns the SPDX id of one licence text, "" when no rule
// or more than one licence family matches.
func matchLicense(text string) string {
	norm := normalizeLicense(text)
	id := ""
	for _, r := range licenseRules {
		if !r.matches(norm) {
			continue
		}
		if id == "" {
			id = r.SPDX
			continue
		}
		if !quotes(id, r.SPDX) {
			return "" // two licences in one file: dual licensing
		}
	}
	return id
}

// quotes reports whether the text of licence a naturally contains the
// phrases of licence b, so matching both is not dual licensing.
func quotes(a, b string) bool {
	switch a {
	case "AGPL-3.0", "LGPL-3.0", "LGPL-2.1":
		return strings.HasPrefix(b, "GPL-") || strings.HasPrefix(b, "LGPL-")
	case "MPL-2.0":
		// Section 1.12 names the GNU licences as secondary licences.
		return strings.Contains(b, "GPL-")
	case "BSD-3-Clause":
		return b == "BSD-2-Clause"
	}
	return false
}

func (r licenseRule) matches(norm string) bool {
	for _, p := range r.All {
		if !strings.Contains(norm, p) {
			return false
		}
	}
	return true
}

// normalizeLicense lowercases, drops Markdown emphasis and collapses white
// space, so wrapped or formatted texts match the phrases.
func normalizeLicense(text string) string {
	text = strings.ToLower(text)
	text = strings.NewReplacer("*", "", "_", " ", "`", "", "\u2019", "'", "\u201c", `"`, "\u201d", `"`).Replace(text)
	return strings.Join(strings.Fields(text), " ")
}
