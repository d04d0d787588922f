package cargo

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLockReachable(t *testing.T) {
	l := &lockfile{Package: []lockPackage{
		{Name: "app", Dependencies: []string{"a", "b 2.0.0", "missing"}},
		{Name: "a", Version: "1.0.0", Source: "registry+x", Dependencies: []string{"c"}},
		{Name: "b", Version: "1.0.0", Source: "registry+x", Dependencies: []string{"d"}},
		{Name: "b", Version: "2.0.0", Source: "registry+x", Dependencies: []string{"e 1.0.0 (git+https://h/e#0abc)"}},
		{Name: "c", Version: "1.0.0", Source: "registry+x"},
		{Name: "d", Version: "1.0.0", Source: "registry+x"},
		{Name: "e", Version: "1.0.0", Source: "registry+x"},
		{Name: "e", Version: "1.0.0", Source: "git+https://h/e#0abc"},
	}}
	all := func(lockEdge) bool { return true }
	// b 1.0.0 (and so d) is not reachable: app names b 2.0.0.
	if diff := cmp.Diff([]string{"a", "app", "b", "c", "e"}, sortedKeys(l.reachable([]int{0}, all))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	noC := func(e lockEdge) bool { return l.Package[e.to].Name != "c" }
	if diff := cmp.Diff([]string{"a", "app", "b", "e"}, sortedKeys(l.reachable([]int{0}, noC))); diff != "" {
		t.Errorf("with c cut (-want +got):\n%s", diff)
	}
	if i, ok := l.find(map[string][]int{"e": {6, 7}}, "e 1.0.0 (git+https://h/e#0abc)"); !ok || i != 7 {
		t.Errorf("find picked %d, %v; want the git source, 7", i, ok)
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
