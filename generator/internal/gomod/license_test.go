package gomod

import "testing"

// Opening lines of the real licence texts, enough for their phrases.
const (
	mitText    = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\n"
	apacheText = "                                 Apache License\n                           Version 2.0, January 2004\n"
	bsd2Text   = "Redistribution and use in source and binary forms, with or without\nmodification, are permitted provided that the following conditions are met:\n\n1. Redistributions of source code must retain the above copyright notice.\n"
	bsd3Text   = bsd2Text + "3. Neither the name of the copyright holder nor the names of its contributors\nmay be used to endorse or promote products derived from this software\nwithout specific prior written permission.\n"
	mplText    = "Mozilla Public License Version 2.0\n==================================\n\n1.12. \"Secondary License\"\n    means either the GNU General Public License, Version 2.0, the GNU Lesser\n    General Public License, Version 2.1, the GNU Affero General Public\n    License, Version 3.0, or any later versions of those licenses.\n"
	gpl3Text   = "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n  13. Use with the GNU Affero General Public License.\n version 3 of the GNU Affero General Public License\n use the GNU Lesser General Public License instead of this License.\n"
	gpl2Text   = "                    GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991\n"
	lgpl3Text  = "                   GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n\n  This version of the GNU Lesser General Public License incorporates\nthe terms and conditions of version 3 of the GNU General Public\nLicense, supplemented by the additional permissions listed below.\n"
	lgpl21Text = "                  GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 2.1, February 1999\n"
	agplText   = "                    GNU AFFERO GENERAL PUBLIC LICENSE\n                       Version 3, 19 November 2007\n"
	iscText    = "ISC License\n\nPermission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted, provided that the above\n"
	unlicense  = "This is free and unencumbered software released into the public domain.\n"
)

func TestDetectLicense(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"MIT":               {files: map[string]string{"LICENSE": mitText}, want: "MIT"},
		"MIT markdown":      {files: map[string]string{"LICENSE.md": "# MIT License\n\n**Permission is hereby granted**, free of charge, to any person\nobtaining a copy of this software\n"}, want: "MIT"},
		"Apache":            {files: map[string]string{"LICENSE.txt": apacheText}, want: "Apache-2.0"},
		"BSD-2":             {files: map[string]string{"LICENSE": bsd2Text}, want: "BSD-2-Clause"},
		"BSD-3":             {files: map[string]string{"LICENSE": bsd3Text}, want: "BSD-3-Clause"},
		"MPL":               {files: map[string]string{"LICENSE": mplText}, want: "MPL-2.0"},
		"GPL-3":             {files: map[string]string{"COPYING": gpl3Text}, want: "GPL-3.0"},
		"GPL-2":             {files: map[string]string{"COPYING": gpl2Text}, want: "GPL-2.0"},
		"LGPL-3":            {files: map[string]string{"LICENSE": lgpl3Text}, want: "LGPL-3.0"},
		"LGPL-3 layout":     {files: map[string]string{"COPYING": gpl3Text, "COPYING.LESSER": lgpl3Text}, want: "LGPL-3.0"},
		"LGPL-2.1":          {files: map[string]string{"LICENSE": lgpl21Text}, want: "LGPL-2.1"},
		"AGPL":              {files: map[string]string{"LICENSE": agplText}, want: "AGPL-3.0"},
		"ISC":               {files: map[string]string{"LICENCE": iscText}, want: "ISC"},
		"Unlicense":         {files: map[string]string{"UNLICENSE": unlicense, "LICENSE": unlicense}, want: "Unlicense"},
		"none":              {files: map[string]string{"README.md": mitText}},
		"unknown":           {files: map[string]string{"LICENSE": "All rights reserved.\n"}},
		"dual files":        {files: map[string]string{"LICENSE-MIT": mitText, "LICENSE-APACHE": apacheText}},
		"dual in one file":  {files: map[string]string{"LICENSE": mitText + "\n---\n" + apacheText}},
		"known and unknown": {files: map[string]string{"LICENSE": mitText, "LICENSE.third-party": "Proprietary.\n"}},
		"short GPL notice":  {files: map[string]string{"LICENSE": "This program is free software: you can redistribute it under the terms of the GNU General Public License, version 3 or later.\n"}},
		"directory":         {files: map[string]string{"LICENSES/MIT.txt": mitText}},
	} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"go.mod": "module example.com/x\n"}
			for k, v := range tc.files {
				files[k] = v
			}
			p, err := Scan(mapFS(files))
			if err != nil {
				t.Fatal(err)
			}
			if p.License != tc.want {
				t.Errorf("License = %q, want %q", p.License, tc.want)
			}
		})
	}
}
