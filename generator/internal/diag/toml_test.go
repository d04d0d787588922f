package diag

import (
	"errors"
	"testing"
)

// A control character is reported where it is, whatever the decoder's
// offset says; the first byte of the file must not panic.
func TestDecodeTOMLPosition(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      string
		line, col int
	}{
		{"first byte", "\x01a = 1\n", 1, 1},
		{"first byte DEL", "\x7f", 1, 1},
		{"NUL first", "\x00a = 1\n", 1, 1},
		{"start of second line", "a = 1\n\x01b = 2\n", 2, 1},
		{"after a blank line", "a=1\n\n\x7f", 3, 1},
		{"inside a string", "a = 1\nb = \"x\x01\"\n", 2, 7},
		{"after CRLF", "a = 1\r\n\x02", 2, 1},
		{"syntax error", "a = 1\nb = = 2\n", 2, 5},
		{"unterminated string", "a = \"x", 1, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v map[string]any
			_, err := DecodeTOML("Cargo.toml", []byte(tc.data), &v)
			var in *InputError
			if !errors.As(err, &in) {
				t.Fatalf("err = %v, want an InputError", err)
			}
			if in.File != "Cargo.toml" || in.Line != tc.line || in.Col != tc.col {
				t.Errorf("at %s:%d:%d, want Cargo.toml:%d:%d (%v)", in.File, in.Line, in.Col, tc.line, tc.col, err)
			}
		})
	}
}
