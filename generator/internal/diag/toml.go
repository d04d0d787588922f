package diag

import (
	"errors"

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
	line, col := 1, 1
	offset := min(perr.Position.Start, len(data))
	for _, c := range data[:offset] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return md, &InputError{File: file, Line: line, Col: col, Msg: perr.Message, Err: err}
}
