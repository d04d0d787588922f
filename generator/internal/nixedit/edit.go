package nixedit

import (
	"fmt"
	"slices"
	"strings"
)

// Edit replaces the bytes src[Start:End] with Text. Start == End inserts.
type Edit struct {
	Start, End int
	Text       string
}

// Apply returns a copy of src with the edits made; every byte outside
// their spans stays as it was. The edits may come in any order, but must
// lie within src and must not overlap; two insertions at one offset count
// as overlapping, since their order would be a guess.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b Edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	for i, e := range es {
		if e.Start < 0 || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("nixedit: edit [%d,%d) outside the source of %d bytes", e.Start, e.End, len(src))
		}
		if i == 0 {
			continue
		}
		prev := es[i-1]
		if e.Start < prev.End || e.Start == prev.Start && e.End == prev.End && e.Start == e.End {
			return nil, fmt.Errorf("nixedit: edits [%d,%d) and [%d,%d) overlap", prev.Start, prev.End, e.Start, e.End)
		}
	}
	var b strings.Builder
	size := len(src)
	for _, e := range es {
		size += len(e.Text) - (e.End - e.Start)
	}
	b.Grow(size)
	last := 0
	for _, e := range es {
		b.Write(src[last:e.Start])
		b.WriteString(e.Text)
		last = e.End
	}
	b.Write(src[last:])
	return []byte(b.String()), nil
}
