package model

import "testing"

func TestKeyTypeCanonical(t *testing.T) {
	for _, c := range []struct {
		t        KeyType
		in, want string
		ok       bool
	}{
		{KeyString, "info", "info", true},
		{KeyString, "\xff", "", false},
		{KeyBool, "true", "true", true},
		{KeyBool, "yes", "", false},
		{KeyInt, "-3", "-3", true},
		{KeyInt, "three", "", false},
		{KeyUnsigned, "8080", "8080", true},
		{KeyUnsigned, "-1", "", false},
		{KeyUnsigned, "18446744073709551615", "", false}, // beyond a Nix integer
		{KeyFloat, "0.50", "0.5", true},
		{KeyFloat, "1e400", "", false},
		{KeyStrings, `[ "a", "b" ]`, `["a","b"]`, true},
		{KeyStrings, `[]`, `[]`, true},
		{KeyStrings, `null`, "", false},
		{KeyStrings, `[1]`, "", false},
		{KeyType("duration"), "5s", "", false},
	} {
		got, ok := c.t.Canonical(c.in)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("%s.Canonical(%q) = %q, %v; want %q, %v", c.t, c.in, got, ok, c.want, c.ok)
		}
	}
}
