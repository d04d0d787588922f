package pins

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/narhash"
	"github.com/nixgen/nixgen/generator/internal/resolve"
)

// sum returns a made-up digest, distinct for each n.
func sum(n int) string {
	var s narhash.Sum
	for i := range s {
		s[i] = byte(n*17 + i)
	}
	return s.SRI()
}

func commit(c byte) string { return strings.Repeat(string(c), 40) }

// fakeRemote serves refs by URL and fails on any other URL.
type fakeRemote struct {
	t    *testing.T
	refs map[string][]resolve.Ref
	mu   sync.Mutex
	seen map[string]int
}

func (f *fakeRemote) Refs(ctx context.Context, url string) ([]resolve.Ref, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string]int{}
	}
	f.seen[url]++
	refs, ok := f.refs[url]
	if !ok {
		return nil, &diag.ToolError{Command: "git ls-remote " + url, Stderr: "fatal: repository '" + url + "' not found\n", Err: errors.New("exit status 128")}
	}
	return refs, nil
}

// fakePrefetcher answers by URL and commit; an unexpected request, or a
// canned answer never used, fails the test.
type fakePrefetcher struct {
	t    *testing.T
	mu   sync.Mutex
	pins map[string]resolve.Pin // "url@commit"
	errs map[string]error
	used map[string]bool
	// lenient: canned pins may go unused (cases that share them).
	lenient bool
}

func newFakePrefetcher(t *testing.T, pins map[string]resolve.Pin) *fakePrefetcher {
	if pins == nil {
		pins = map[string]resolve.Pin{}
	}
	f := &fakePrefetcher{t: t, pins: pins, errs: map[string]error{}, used: map[string]bool{}}
	t.Cleanup(func() {
		for k := range f.pins {
			if !f.used[k] && !f.lenient && !t.Failed() {
				t.Errorf("canned pin never asked for: %s", k)
			}
		}
	})
	return f
}

func (f *fakePrefetcher) Prefetch(ctx context.Context, req resolve.Request) (resolve.Pin, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := req.URL + "@" + req.Rev
	if err, ok := f.errs[key]; ok {
		return resolve.Pin{}, err
	}
	pin, ok := f.pins[key]
	if !ok {
		f.t.Errorf("unexpected prefetch %+v", req)
		return resolve.Pin{}, errors.New("unexpected prefetch")
	}
	f.used[key] = true
	pin.Rev = req.Rev
	pin.Ref = req.Ref
	if tag, ok := strings.CutPrefix(req.Ref, "refs/tags/"); ok {
		pin.Tag, pin.Version = tag, resolve.TagVersion(tag)
	}
	return pin, nil
}

type fakeVendor struct {
	result resolve.GoVendorHash
	calls  int
}

func (f *fakeVendor) Hash(ctx context.Context, root string) (resolve.GoVendorHash, error) {
	f.calls++
	return f.result, nil
}

const (
	rgURL     = "https://github.com/example/rg-lite"
	toolURL   = "https://github.com/example/tool"
	helperURL = "https://git.example.org/helper.git"
	tsURL     = "https://github.com/tree-sitter/tree-sitter"
	gitDepURL = "https://git.example.org/git-dep"
	newDepURL = "https://github.com/example/new-dep"
)

func packageRemote(t *testing.T) *fakeRemote {
	return &fakeRemote{t: t, refs: map[string][]resolve.Ref{
		rgURL: {
			{Name: "HEAD", Commit: commit('9')},
			{Name: "refs/heads/main", Commit: commit('9')},
			{Name: "refs/tags/v1.4.2", Commit: commit('a')},
			{Name: "refs/tags/v1.9.1", Commit: commit('b')},
			{Name: "refs/tags/v1.10.0", Commit: commit('c')},
			{Name: "refs/tags/v2.0.0-rc.1", Commit: commit('d')},
			{Name: "refs/tags/nightly", Commit: commit('9')},
		},
		helperURL: {{Name: "HEAD", Commit: commit('3')}, {Name: "refs/heads/main", Commit: commit('3')}},
		toolURL:   {{Name: "HEAD", Commit: commit('4')}, {Name: "refs/heads/main", Commit: commit('4')}},
	}}
}

func packagePins(t *testing.T) *fakePrefetcher {
	return newFakePrefetcher(t, map[string]resolve.Pin{
		rgURL + "@" + commit('c'):                               {Hash: sum(1)},
		helperURL + "@" + commit('3'):                           {Hash: sum(2)},
		toolURL + "@" + commit('4'):                             {Hash: sum(3), Date: "2024-06-15T10:00:00+02:00"},
		tsURL + "@aaaa000000000000000000000000000000000001":     {Hash: sum(4)},
		gitDepURL + "@bbbb000000000000000000000000000000000002": {Hash: sum(5)},
		newDepURL + "@cccc000000000000000000000000000000000003": {Hash: sum(6)},
	})
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func project(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"Cargo.lock": {Data: readFile(t, "Cargo.lock")},
		"go.mod":     {Data: readFile(t, "go.mod")},
	}
}

// A hand-written package with every kind of pin: only the pinned values
// change, in the forms they were written in.
func TestBumpHandWritten(t *testing.T) {
	src := readFile(t, "package.nix")
	vendor := &fakeVendor{result: resolve.GoVendorHash{Hash: sum(7), GoVersion: "1.26"}}
	res, err := Bump(context.Background(), []File{{Path: "package.nix", Data: src}}, Options{
		Deps: true, Prefetcher: packagePins(t), Remote: packageRemote(t), Vendor: vendor,
		Project: project(t), ProjectDir: "/project",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := string(readFile(t, "package.want.nix"))
	if diff := cmp.Diff(want, string(res.Files["package.nix"])); diff != "" {
		t.Errorf("bumped file (-want +got):\n%s", diff)
	}
	var changes []string
	for _, c := range res.Changes {
		changes = append(changes, c.String())
	}
	wantChanges := []string{
		"package.nix:9:5: https://git.example.org/helper.git: rev 111111111111 -> 333333333333 (default branch)",
		"package.nix:10:20: https://git.example.org/helper.git: sha256 0000000000000000000000000000000000000000000000000000 -> 0ha07wz3sg1v78wkhdrn6ls36cii60pjwb9c5cm2ja174qjj88r2 (default branch)",
		"package.nix:14:13: example/rg-lite: version 1.4.2 -> 1.10.0 (tag v1.10.0)",
		"package.nix:20:12: example/rg-lite: hash sha256-mcqHBGBHMHm6yrf66iISzS3hC6YyImlkTRxf3/OdugE= -> " + sum(1) + " (tag v1.10.0)",
		`package.nix:27:31: outputHashes."tree-sitter-0.20.10": hash sha256-fQ3Cj4/ZVlTPBwStwL0/M+4XGo/EiGHzRcJ83wqo9lw= -> ` + sum(4) + " (aaaa00000000)",
		`package.nix:28:25: outputHashes."git-dep-0.1.0": hash lib.fakeHash -> ` + sum(5) + " (bbbb00000000)",
		"package.nix:28:38: outputHashes: new entry new-dep-0.3.0",
		"package.nix:35:15: example/tool: version 0-unstable-2024-01-01 -> 0-unstable-2024-06-15 (default branch)",
		"package.nix:38:13: example/tool: rev 222222222222 -> 444444444444 (default branch)",
		"package.nix:39:16: example/tool: sha256 sha256:0000000000000000000000000000000000000000000000000000 -> sha256:0ljia17lwkac9d54jj278r2l8hs28503ygix7hxklf9q6wv3ad1k (default branch)",
		"package.nix:41:18: vendorHash: vendorHash lib.fakeHash -> " + sum(7) + " (go mod vendor with Go 1.26)",
	}
	if diff := cmp.Diff(wantChanges, changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if res.Pins != 3 || res.Deps != 4 {
		t.Errorf("checked %d pins and %d dependency hashes, want 3 and 4", res.Pins, res.Deps)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	if vendor.calls != 1 {
		t.Errorf("go mod vendor ran %d times, want once", vendor.calls)
	}

	// Bumping the result again changes nothing, and --check agrees.
	again, err := Bump(context.Background(), []File{{Path: "package.nix", Data: res.Files["package.nix"]}}, Options{
		Deps: true, Prefetcher: packagePins(t), Remote: packageRemote(t), Vendor: vendor,
		Project: project(t), ProjectDir: "/project",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Files) != 0 || again.Drift() != nil {
		t.Errorf("second bump changed %v: %v", again.Changes, again.Drift())
	}
	drift := res.Drift()
	var d *diag.DriftError
	if !errors.As(drift, &d) || !strings.HasPrefix(d.Msg, "11 stale values:\n  package.nix:9:5: ") || !strings.HasSuffix(d.Msg, "hint: run `nixgen bump --deps`, review the diff and commit it") {
		t.Errorf("Drift() = %v", drift)
	}
}

// The report says exactly what changed: the file is the old one with each
// reported old value replaced by the new one at the reported place.
func TestBumpReportIsExact(t *testing.T) {
	src := readFile(t, "package.nix")
	res, err := Bump(context.Background(), []File{{Path: "package.nix", Data: src}}, Options{
		Deps: true, Prefetcher: packagePins(t), Remote: packageRemote(t),
		Vendor:  &fakeVendor{result: resolve.GoVendorHash{Hash: sum(7)}},
		Project: project(t), ProjectDir: "/project",
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	last := 0
	for _, c := range res.Changes {
		start := offset(src, c.Line, c.Col)
		want = append(want, src[last:start]...)
		switch {
		case strings.HasPrefix(c.What, "new "):
			want = append(want, "\n      \"new-dep-0.3.0\" = \""+sum(6)+"\";"...)
			last = start
			continue
		case c.Old == "lib.fakeHash":
			last = start + len(c.Old)
		default:
			last = start + len(c.Old) + 2 // the quotes
			if string(src[start:last]) != `"`+c.Old+`"` {
				t.Fatalf("%s: the file has %s there", c, src[start:last])
			}
		}
		want = append(want, `"`+c.New+`"`...)
	}
	want = append(want, src[last:]...)
	if diff := cmp.Diff(string(want), string(res.Files["package.nix"])); diff != "" {
		t.Errorf("(-reconstructed from the report +bumped):\n%s", diff)
	}
}

func offset(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += strings.IndexByte(string(src[off:]), '\n') + 1
	}
	return off + col - 1
}

// A failed prefetch returns an error and no files: the caller writes none.
func TestBumpFailure(t *testing.T) {
	src := readFile(t, "package.nix")
	pins := packagePins(t)
	pins.used = map[string]bool{}
	boom := &diag.ToolError{Command: "git fetch --depth=1 " + toolURL, Stderr: "fatal: unable to access\n", Err: errors.New("exit status 128")}
	pins.errs[toolURL+"@"+commit('4')] = boom
	delete(pins.pins, toolURL+"@"+commit('4'))
	res, err := Bump(context.Background(), []File{{Path: "package.nix", Data: src}}, Options{
		Prefetcher: pins, Remote: packageRemote(t),
	})
	if !errors.Is(err, boom) || res != nil {
		t.Errorf("Bump = %v, %v; want no result and the tool error", res, err)
	}
	pins.lenient = true // the cancelled run used only some pins

	remote := packageRemote(t)
	delete(remote.refs, helperURL)
	_, err = Bump(context.Background(), []File{{Path: "package.nix", Data: src}}, Options{Prefetcher: newFakePrefetcher(t, nil), Remote: remote})
	if diag.ExitCode(err) != diag.ExitTool || !strings.Contains(err.Error(), "git ls-remote "+helperURL) {
		t.Errorf("unreachable remote: %v", err)
	}
}

func bumpOne(t *testing.T, src string, opts Options) (*Result, error) {
	t.Helper()
	return Bump(context.Background(), []File{{Path: "f.nix", Data: []byte(src)}}, opts)
}

func TestBumpStyles(t *testing.T) {
	remote := &fakeRemote{t: t, refs: map[string][]resolve.Ref{
		"https://github.com/o/r": {
			{Name: "HEAD", Commit: commit('9')},
			{Name: "refs/heads/main", Commit: commit('9')},
			{Name: "refs/heads/release-1.2", Commit: commit('8')},
			{Name: "refs/tags/v1.0.0", Commit: commit('a')},
			{Name: "refs/tags/v1.1.0", Commit: commit('b')},
			{Name: "refs/tags/1.1.0", Commit: commit('b')},
			{Name: "refs/tags/stable", Commit: commit('7')},
		},
	}}
	canned := func() *fakePrefetcher {
		f := newFakePrefetcher(t, nil)
		for c := range "9876ab" {
			f.pins["https://github.com/o/r@"+commit("9876ab"[c])] = resolve.Pin{Hash: sum(c + 1), Date: "2024-07-0" + fmt.Sprint(c+1) + "T00:00:00Z"}
		}
		f.lenient = true // not every case uses every pin
		return f
	}
	const head = `{ fetchFromGitHub, lib }: `
	for _, tt := range []struct {
		name, rev, src, want, warning string
	}{
		{name: "literal release tag follows releases",
			src:  `fetchFromGitHub { owner = "o"; repo = "r"; rev = "v1.0.0"; hash = ""; }`,
			want: `fetchFromGitHub { owner = "o"; repo = "r"; rev = "v1.1.0"; hash = "` + sum(6) + `"; }`},
		{name: "refs/tags form is kept",
			src:  `fetchFromGitHub { owner = "o"; repo = "r"; rev = "refs/tags/v1.0.0"; hash = ""; }`,
			want: `fetchFromGitHub { owner = "o"; repo = "r"; rev = "refs/tags/v1.1.0"; hash = "` + sum(6) + `"; }`},
		{name: "tag argument with version",
			src:  `let version = "1.0.0"; in fetchFromGitHub { owner = "o"; repo = "r"; tag = "${version}"; hash = ""; }`,
			want: `let version = "1.1.0"; in fetchFromGitHub { owner = "o"; repo = "r"; tag = "${version}"; hash = "` + sum(6) + `"; }`},
		{name: "bare version",
			src:  `fetchFromGitHub rec { version = "1.0.0"; owner = "o"; repo = "r"; rev = version; hash = ""; }`,
			want: `fetchFromGitHub rec { version = "1.1.0"; owner = "o"; repo = "r"; rev = version; hash = "` + sum(6) + `"; }`},
		{name: "branch stays a branch",
			src:  `fetchFromGitHub { owner = "o"; repo = "r"; rev = "release-1.2"; hash = lib.fakeSha256; }`,
			want: `fetchFromGitHub { owner = "o"; repo = "r"; rev = "release-1.2"; hash = "` + sum(2) + `"; }`},
		{name: "other tag stays",
			src:  `fetchFromGitHub { owner = "o"; repo = "r"; rev = "stable"; hash = ""; }`,
			want: `fetchFromGitHub { owner = "o"; repo = "r"; rev = "stable"; hash = "` + sum(3) + `"; }`},
		{name: "commit to --rev tag, with its version",
			rev:  "v1.0.0",
			src:  `rec { version = "0.9.0"; src = fetchFromGitHub { owner = "o"; repo = "r"; rev = "` + commit('9') + `"; hash = ""; }; }`,
			want: `rec { version = "1.0.0"; src = fetchFromGitHub { owner = "o"; repo = "r"; rev = "` + commit('a') + `"; hash = "` + sum(5) + `"; }; }`},
		{name: "--rev branch on a version pin names the commit",
			rev:     "main",
			src:     `fetchFromGitHub rec { version = "1.0.0"; owner = "o"; repo = "r"; rev = "v${version}"; hash = ""; }`,
			want:    `fetchFromGitHub rec { version = "1.0.0"; owner = "o"; repo = "r"; rev = "` + commit('9') + `"; hash = "` + sum(1) + `"; }`,
			warning: `o/r: rev = "v${version}" replaced by "` + commit('9') + `"; version stays "1.0.0"`},
		{name: "--rev commit needs no refs",
			rev:  commit('8'),
			src:  `fetchgit { url = "https://github.com/o/r"; rev = "` + commit('9') + `"; sha256 = "` + strings.Repeat("0", 64) + `"; }`,
			want: `fetchgit { url = "https://github.com/o/r"; rev = "` + commit('8') + `"; sha256 = "` + hexOf(sum(2)) + `"; }`},
		{name: "unsupported arguments are left alone",
			src:     `fetchFromGitHub { owner = "o"; repo = "r"; rev = "v1.0.0"; hash = ""; leaveDotGit = true; }`,
			want:    `fetchFromGitHub { owner = "o"; repo = "r"; rev = "v1.0.0"; hash = ""; leaveDotGit = true; }`,
			warning: "leaveDotGit changes what is hashed"},
		{name: "an expression nixgen cannot edit is left alone",
			src:     `fetchFromGitHub { owner = "o"; repo = "r"; rev = lib.head revs; hash = ""; }`,
			want:    `fetchFromGitHub { owner = "o"; repo = "r"; rev = lib.head revs; hash = ""; }`,
			warning: "rev = lib.head revs: nixgen understands a string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bumpOne(t, head+tt.src, Options{Rev: tt.rev, Prefetcher: canned(), Remote: remote})
			if err != nil {
				t.Fatal(err)
			}
			got := head + tt.src
			if data, ok := res.Files["f.nix"]; ok {
				got = string(data)
			}
			if diff := cmp.Diff(head+tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			warnings := strings.Join(res.Warnings, "\n")
			if tt.warning == "" && warnings != "" || !strings.Contains(warnings, tt.warning) {
				t.Errorf("warnings %q, want %q", warnings, tt.warning)
			}
		})
	}
}

func hexOf(sri string) string {
	s, err := narhash.Parse(sri)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%x", s[:])
}

func TestBumpInputErrors(t *testing.T) {
	remote := &fakeRemote{t: t, refs: map[string][]resolve.Ref{
		"https://github.com/o/r": {{Name: "HEAD", Commit: commit('9')}, {Name: "refs/heads/main", Commit: commit('9')}},
	}}
	two := `[ (fetchFromGitHub { owner = "o"; repo = "r"; rev = "` + commit('1') + `"; hash = ""; })
	       (fetchFromGitHub { owner = "o"; repo = "s"; rev = "` + commit('1') + `"; hash = ""; }) ]`
	_, err := bumpOne(t, two, Options{Rev: "main", Prefetcher: newFakePrefetcher(t, nil), Remote: remote})
	if diag.ExitCode(err) != diag.ExitInput || !strings.Contains(err.Error(), "pin 2 repositories (o/r, o/s)") {
		t.Errorf("--rev with two repositories: %v", err)
	}
	_, err = bumpOne(t, `fetchFromGitHub { owner = "o"; repo = "r"; tag = "v1"; hash = ""; }`, Options{Rev: "main", Prefetcher: newFakePrefetcher(t, nil), Remote: remote})
	if diag.ExitCode(err) != diag.ExitInput || !strings.Contains(err.Error(), "f.nix:1:50: this pin names a tag, and --rev main is not a tag") {
		t.Errorf("--rev branch for a tag argument: %v", err)
	}
	_, err = bumpOne(t, `{ a = fetchgit { url = "x"; ; }`, Options{Prefetcher: newFakePrefetcher(t, nil), Remote: remote})
	if diag.ExitCode(err) != diag.ExitInput || !strings.HasPrefix(err.Error(), "f.nix:1:") {
		t.Errorf("syntax error: %v", err)
	}
	_, err = bumpOne(t, `fetchFromGitHub { owner = "o"; repo = "r"; rev = "v9.9.9"; hash = ""; }`, Options{Prefetcher: newFakePrefetcher(t, nil), Remote: remote})
	if diag.ExitCode(err) != diag.ExitTool || !strings.Contains(err.Error(), `no branch or tag "v9.9.9" in https://github.com/o/r`) {
		t.Errorf("unknown tag: %v", err)
	}
}

func TestBumpGitHubURL(t *testing.T) {
	remote := &fakeRemote{t: t, refs: map[string][]resolve.Ref{
		"file:///mirror/o/r": {{Name: "HEAD", Commit: commit('9')}},
	}}
	pins := newFakePrefetcher(t, map[string]resolve.Pin{"file:///mirror/o/r@" + commit('9'): {Hash: sum(1)}})
	res, err := bumpOne(t, `fetchFromGitHub { owner = "o"; repo = "r"; rev = "`+commit('1')+`"; hash = ""; }`,
		Options{GitHubURL: "file:///mirror", Prefetcher: pins, Remote: remote})
	if err != nil {
		t.Fatal(err)
	}
	if want := `fetchFromGitHub { owner = "o"; repo = "r"; rev = "` + commit('9') + `"; hash = "` + sum(1) + `"; }`; string(res.Files["f.nix"]) != want {
		t.Errorf("got %s", res.Files["f.nix"])
	}
}

// A new git dependency gets an entry written like the others: flat
// attribute paths stay flat.
func TestBumpAddsOutputHashes(t *testing.T) {
	lock := "version = 4\n\n" +
		"[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = \"git+https://example.org/a#" + commit('1') + "\"\n\n" +
		"[[package]]\nname = \"b\"\nversion = \"0.2.0\"\nsource = \"git+https://example.org/b?branch=dev#" + commit('2') + "\"\n"
	src := "{\n  cargoLock.lockFile = ./Cargo.lock;\n  cargoLock.outputHashes.\"a-0.1.0\" = \"" + sum(1) + "\"; # kept\n  cargoLock.outputHashes.\"gone-1.0.0\" = \"" + sum(9) + "\";\n}\n"
	pins := newFakePrefetcher(t, map[string]resolve.Pin{
		"https://example.org/a@" + commit('1'): {Hash: sum(1)},
		"https://example.org/b@" + commit('2'): {Hash: sum(2)},
	})
	res, err := Bump(context.Background(), []File{{Path: "f.nix", Data: []byte(src)}}, Options{
		Deps: true, Prefetcher: pins, Remote: &fakeRemote{t: t},
		Project: fstest.MapFS{"Cargo.lock": {Data: []byte(lock)}}, ProjectDir: "/p",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  cargoLock.lockFile = ./Cargo.lock;\n  cargoLock.outputHashes.\"a-0.1.0\" = \"" + sum(1) + "\"; # kept\n  cargoLock.outputHashes.\"gone-1.0.0\" = \"" + sum(9) + "\";\n" +
		"  cargoLock.outputHashes.\"b-0.2.0\" = \"" + sum(2) + "\";\n}\n"
	if diff := cmp.Diff(want, string(res.Files["f.nix"])); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `outputHashes."gone-1.0.0" names no git dependency in Cargo.lock; remove it`) {
		t.Errorf("warnings %q", res.Warnings)
	}
}
