package escape

import (
	"slices"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTOML decodes every value with the TOML library nixgen reads
// nixgen.toml with.
func TestTOML(t *testing.T) {
	for _, s := range hostile {
		checkVisible(t, "TOMLString", s, TOMLString(s))
		var doc struct{ V string }
		if _, err := toml.Decode("v = "+TOMLString(s)+"\n", &doc); err != nil || doc.V != valid(s) {
			t.Errorf("TOMLString(%q) = %s reads back as %q (%v)", s, TOMLString(s), doc.V, err)
		}
	}
	want := make([]string, len(hostile))
	for i, s := range hostile {
		want[i] = valid(s)
	}
	var doc struct{ V []string }
	if _, err := toml.Decode("v = "+TOMLStrings(hostile)+"\n", &doc); err != nil || !slices.Equal(doc.V, want) {
		t.Errorf("TOMLStrings reads back as %q (%v)", doc.V, err)
	}
	for _, tc := range []struct {
		got, want string
	}{
		{TOMLString("bell \a"), `"bell \u0007"`},
		{TOMLString(`a "b" \c`), `"a \"b\" \\c"`},
		{TOMLStrings(nil), "[]"},
		{TOMLStrings([]string{"a", "b"}), `["a", "b"]`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}
