package choices

import (
	"fmt"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// ParsePinActions reads --pin-actions: "" is the default, model.PinTag.
func ParsePinActions(s string) (string, error) {
	return pinActions(s, origin{flag: "pin-actions"})
}

func pinActions(s string, o origin) (string, error) {
	switch s {
	case "":
		return model.PinTag, nil
	case model.PinTag, model.PinSHA:
		return s, nil
	}
	return "", valueError(o, s, fmt.Sprintf("want %s (owner/action@v7) or %s (owner/action@<commit> # v7.0.1)", model.PinTag, model.PinSHA))
}
