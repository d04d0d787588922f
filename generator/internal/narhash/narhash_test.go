package narhash

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The NAR of one regular file holding "hello\n" (see hashes.md).
const (
	helloSRI   = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM="
	helloNix32 = "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"
)

func TestPathVector(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hello")
	if err := os.WriteFile(p, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, n, err := PathSize(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.SRI(); got != helloSRI {
		t.Errorf("SRI() = %s, want %s", got, helloSRI)
	}
	if got := sum.Nix32(); got != helloNix32 {
		t.Errorf("Nix32() = %s, want %s", got, helloNix32)
	}
	if got := sum.String(); got != helloSRI {
		t.Errorf("String() = %s, want %s", got, helloSRI)
	}
	if n != 120 {
		t.Errorf("NAR size = %d, want 120", n)
	}
}

func TestParse(t *testing.T) {
	want, err := Parse(helloSRI)
	if err != nil {
		t.Fatal(err)
	}
	if want.SRI() != helloSRI {
		t.Fatalf("Parse(%s).SRI() = %s", helloSRI, want.SRI())
	}
	hexSum := hex.EncodeToString(want[:])
	for _, s := range []string{
		helloSRI,
		helloNix32,
		"sha256:" + helloNix32,
		hexSum,
		"sha256:" + hexSum,
		strings.TrimPrefix(helloSRI, "sha256-"),
	} {
		got, err := Parse(s)
		if err != nil {
			t.Errorf("Parse(%q): %v", s, err)
			continue
		}
		if got != want {
			t.Errorf("Parse(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range []string{
		"",
		"sha256-",
		"sha256-abc",
		"sha512-" + strings.TrimPrefix(helloSRI, "sha256-"),
		"md5:" + hexSum,
		helloNix32[1:],
		"sha256:" + strings.Repeat("z", 52), // not in nix32's alphabet
	} {
		if got, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %s, want an error", s, got)
		} else if !strings.Contains(err.Error(), "parse sha256 hash") {
			t.Errorf("Parse(%q) error %q does not say what failed", s, err)
		}
	}
}

func TestParseSRI(t *testing.T) {
	got, err := ParseSRI(helloSRI)
	if err != nil {
		t.Fatal(err)
	}
	if got.SRI() != helloSRI {
		t.Errorf("ParseSRI(%s).SRI() = %s", helloSRI, got.SRI())
	}
	for _, s := range []string{helloNix32, "sha256:" + helloNix32, strings.TrimPrefix(helloSRI, "sha256-")} {
		if _, err := ParseSRI(s); err == nil {
			t.Errorf("ParseSRI(%q) succeeded, want an error: not SRI", s)
		}
	}
}
