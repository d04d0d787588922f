package escape

import (
	"encoding/json"
	"strings"
)

// PythonString returns s as a Python string literal that evaluates to s.
// A JSON string as encoding/json writes it is one: its escapes (\" \\ \n
// \uXXXX and the like) are Python's too, and it writes characters beyond
// U+FFFF raw, never as a surrogate pair (which Python would read as two
// characters). Invalid UTF-8 becomes U+FFFD. Invisible characters that
// JSON leaves raw (DEL, C1 controls, format characters) are written as
// \uXXXX or \UXXXXXXXX, which Python reads too.
func PythonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // <, > and & need no escape in Python
	_ = enc.Encode(s)        // a string always encodes
	return escapeInvisible(strings.TrimSuffix(b.String(), "\n"))
}
