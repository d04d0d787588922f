package escape

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
)

var astral = regexp.MustCompile(`\\U[0-9a-fA-F]{8}`)

var surrogate = regexp.MustCompile(`\\u[dD][89a-fA-F]`)

// TestPythonString decodes every literal as JSON, whose string syntax is
// Python's but for surrogate pairs: the escapes json.Marshal writes (\" \\
// \b \f \n \r \t \uXXXX) all mean the same in a Python string literal.
func TestPythonString(t *testing.T) {
	for _, s := range hostile {
		lit := PythonString(s)
		checkVisible(t, "PythonString", s, lit)
		// Python reads \UXXXXXXXX, which JSON has not.
		lit = astral.ReplaceAllStringFunc(lit, func(e string) string {
			r, _ := strconv.ParseUint(e[2:], 16, 32)
			return string(rune(r))
		})
		var got string
		if err := json.Unmarshal([]byte(lit), &got); err != nil || got != valid(s) {
			t.Errorf("PythonString(%q) = %s reads back as %q (%v)", s, lit, got, err)
		}
		if surrogate.MatchString(lit) {
			t.Errorf("PythonString(%q) = %s escapes a surrogate, which Python reads as a character of its own", s, lit)
		}
		for _, r := range lit {
			if r < 0x20 {
				t.Errorf("PythonString(%q) = %s holds the raw control character %U", s, lit, r)
			}
		}
	}
}
