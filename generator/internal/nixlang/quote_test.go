package nixlang

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"${pkgs.evil}", `"\${pkgs.evil}"`},
		{"$${x}", `"$\${x}"`},
		{"cost: $5", `"cost: $5"`},
		{"ends in $", `"ends in $"`},
		{"a\nb\tc\rd", `"a\nb\tc\rd"`},
		{"''indented''", `"''indented''"`},
		{"ünïcødé ✓", `"ünïcødé ✓"`},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestAttrName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"server", "server"},
		{"my-server", "my-server"},
		{"a_b'c", "a_b'c"},
		{"2fa", `"2fa"`},
		{"in", `"in"`},
		{"or", `"or"`},
		{"with space", `"with space"`},
		{"x.y", `"x.y"`},
		{"", `""`},
	} {
		if got := AttrName(tc.in); got != tc.want {
			t.Errorf("AttrName(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{".", "./."},
		{"migrations", "./migrations"},
		{"crates/db/migrations", "./crates/db/migrations"},
		{".sqlx", "./.sqlx"},
		{"my dir/x", `(./. + "/my dir/x")`},
		{"${x}", `(./. + "/\${x}")`},
	} {
		if got := Path(tc.in); got != tc.want {
			t.Errorf("Path(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
