package gomod

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOtherSources(t *testing.T) {
	fsys := mapFS(map[string]string{
		"go.mod":  "module example.com/m\n\ngo 1.22\n",
		"main.go": "package main\n\nimport _ \"example.com/m/native\"\n\nfunc main() {}\n",
		"native/native.go": `package native

/*
#cgo CFLAGS: -I${SRCDIR}/include -I/usr/include/foo -include ${SRCDIR}/../config.h
#cgo LDFLAGS: -L${SRCDIR}/lib ${SRCDIR}/lib/libfast.a -lm
#cgo windows LDFLAGS: ${SRCDIR}/win/libwin.a
#cgo CPPFLAGS: -I../../outside
#include "local.h"
*/
import "C"
`,
		"native/local.h":             "#include \"sub/more.h\"\n",
		"native/sub/more.h":          "int more;\n",
		"native/impl.c":              "#include \"local.h\"\n#include \"gen/table.inc\"\n#include <stdio.h>\n",
		"native/gen/table.inc":       "1, 2, 3\n",
		"native/impl_windows.c":      "int w;\n",
		"native/include/api.h":       "int api;\n",
		"native/lib/libfast.a":       "!<arch>\n",
		"native/win/libwin.a":        "!<arch>\n",
		"native/native_test.go":      "package native\n",
		"config.h":                   "#define X 1\n",
		"asm/asm.go":                 "package asm\n\nfunc f()\n",
		"asm/asm_amd64.s":            "TEXT ·f(SB),0,$0\n\tRET\n",
		"asm/asm_arm64.s":            "TEXT ·f(SB),0,$0\n\tRET\n",
		"asm/zdata_linux_amd64.syso": "\x7fELF",
		"docs/notes.c":               "not built: no Go package here\n",
	})
	p, err := Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"asm/asm_amd64.s", "asm/zdata_linux_amd64.syso", "config.h",
		"native/gen/table.inc", "native/impl.c", "native/include", "native/lib",
		"native/lib/libfast.a", "native/local.h", "native/sub/more.h",
	}
	if diff := cmp.Diff(want, p.OtherSources); diff != "" {
		t.Errorf("OtherSources (-want +got):\n%s", diff)
	}
}

func TestSplitCgoArgs(t *testing.T) {
	for in, want := range map[string][]string{
		` -I${SRCDIR}/x  -DA="b c" 'd e' f\ g`: {"-I${SRCDIR}/x", "-DA=b c", "d e", "f g"},
		``:                                     nil,
		`""`:                                   {""},
		`a b`:                                  {"a", "b"},
	} {
		got, err := splitCgoArgs(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
	if _, err := splitCgoArgs(`"open`); err == nil {
		t.Error("an unclosed quote is an error")
	}
}
