package escape

import (
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// TOMLString returns s as a TOML basic string that reads back as s, written
// by the TOML library's own encoder, with invisible characters it leaves raw
// (see Invisible) escaped. Each byte of invalid UTF-8, which no TOML file
// may hold, becomes U+FFFD.
func TOMLString(s string) string {
	return tomlValue(validUTF8(s))
}

// TOMLStrings returns ss as a one-line TOML array of strings.
func TOMLStrings(ss []string) string {
	valid := make([]string, len(ss)) // never nil: the encoder leaves out a nil slice
	for i, s := range ss {
		valid[i] = validUTF8(s)
	}
	return tomlValue(valid)
}

// tomlValue encodes v as the value of a key and returns the value alone.
func tomlValue(v any) string {
	b, err := toml.Marshal(map[string]any{"v": v})
	if err != nil {
		panic("escape: encoding a TOML string: " + err.Error()) // strings always encode
	}
	return escapeInvisible(strings.TrimSuffix(strings.TrimPrefix(string(b), "v = "), "\n"))
}

// validUTF8 replaces each byte of invalid UTF-8 in s by U+FFFD, as YAMLString
// and PythonString do.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}
