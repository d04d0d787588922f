package diag

import (
	"errors"
	"strings"

	"github.com/BurntSushi/toml"
)

// DecodeTOML decodes data (the contents of file) into v. A syntax or type
// error becomes an InputError at the line and column of the offending byte,
// counted from its offset: the decoder's own line can point past a newline
// it stopped at.
func DecodeTOML(file string, data []byte, v any) (toml.MetaData, error) {
	md, err := toml.Decode(string(data), v)
	if err == nil {
		return md, nil
	}
	var perr toml.ParseError
	if !errors.As(err, &perr) {
		return md, &InputError{File: file, Msg: err.Error(), Err: err}
	}
	offset := min(max(perr.Position.Start, 0), len(data))
	// The decoder reports a control character one byte before it (-1 for
	// the first byte of the file): find the character itself.
	if strings.Contains(perr.Message, "control character") {
		for i := offset; i < len(data) && i <= offset+1; i++ {
			if isControl(data[i]) {
				offset = i
				break
			}
		}
	}
	line, col := 1, 1
	for _, c := range data[:offset] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return md, &InputError{File: file, Line: line, Col: col, Msg: perr.Message, Err: err}
}

// TOMLStringLine returns the line of data on which the basic string
// "s" first appears as a value (key = "s"), or 0 when it is not written
// that way (escaped, or a literal string): to locate a value that
// decoding accepted and a later check refuses.
func TOMLStringLine(data []byte, s string) int {
	text := string(data)
	needle := `"` + s + `"`
	for off := 0; ; {
		i := strings.Index(text[off:], needle)
		if i < 0 {
			return 0
		}
		i += off
		before := strings.TrimRight(text[strings.LastIndexByte(text[:i], '\n')+1:i], " \t")
		if strings.HasSuffix(before, "=") {
			return strings.Count(text[:i], "\n") + 1
		}
		off = i + 1
	}
}

// isControl reports whether c is a byte TOML refuses outside comments
// and strings alike: a control character other than tab, LF and CR.
func isControl(c byte) bool {
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f
}
