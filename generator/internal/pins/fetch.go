package pins

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nixgen/nixgen/generator/internal/diag"
	"github.com/nixgen/nixgen/generator/internal/ident"
	"github.com/nixgen/nixgen/generator/internal/narhash"
	"github.com/nixgen/nixgen/generator/internal/nixedit"
	"github.com/nixgen/nixgen/generator/internal/resolve"
)

// revStyle is how a call names its revision, which decides where the pin
// moves and which values change.
type revStyle int

const (
	// commitStyle: rev = "<40 hex digits>". Moves to the default
	// branch's head; rev changes.
	commitStyle revStyle = iota
	// nameStyle: rev = "v1.2.0" (or a branch or other tag). A release
	// tag moves to the newest release tag of its form, and rev changes; a
	// branch or other tag stays, and only the hash changes.
	nameStyle
	// versionStyle: rev = "v${version}", tag = "v${version}", rev =
	// version. Moves to the newest release tag of the form; the version
	// binding changes and rev stays as written.
	versionStyle
)

// pin is one fetcher call to update.
type pin struct {
	file    int
	fetch   nixedit.Fetch
	subject string // OWNER/REPO or the URL
	req     resolve.Request
	revArg  string // "rev" or "tag"
	rev     nixedit.Binding
	style   revStyle
	// prefix and suffix surround the version in versionStyle, and in a
	// nameStyle release tag: "v" and "" for v${version}.
	prefix, suffix string
	release        bool // nameStyle: the literal is a release tag
	hash           nixedit.Binding
	target         resolve.Target
	got            resolve.Pin
}

// unsupported are fetcher arguments that change the tree in ways nixgen
// does not reproduce; a call with any of them set is left alone.
var unsupported = []string{"leaveDotGit", "deepClone", "sparseCheckout", "fetchLFS", "postFetch", "extraPostFetch", "rootDir"}

// findPins reads the fetcher calls of file i.
func (b *bumper) findPins(i int, f File) error {
	fetches, err := nixedit.FindFetches(f.Data)
	if err != nil {
		var syn *nixedit.SyntaxError
		if errors.As(err, &syn) {
			return &diag.InputError{File: f.Path, Line: syn.Pos.Line, Col: syn.Pos.Col, Msg: syn.Msg, Err: err}
		}
		return &diag.InputError{File: f.Path, Msg: err.Error(), Err: err}
	}
	for _, call := range fetches {
		p, why := b.newPin(i, f, call)
		if p != nil {
			if err := checkRemote(f, call, p.req); err != nil {
				return err
			}
		}
		if p == nil {
			b.warnf("%s:%d:%d: %s left as it is: %s", f.Path, call.Pos.Line, call.Pos.Col, call.Func, why)
			continue
		}
		b.pins = append(b.pins, p)
	}
	return nil
}

// newPin reads one call, or says why it cannot be updated.
func (b *bumper) newPin(i int, f File, call nixedit.Fetch) (*pin, string) {
	src := f.Data
	p := &pin{file: i, fetch: call}
	for _, name := range unsupported {
		if v, ok := call.Args[name]; ok && !slices.Contains([]string{"false", "null", `""`, "[]"}, strings.Join(strings.Fields(v.Value.Raw), "")) {
			return nil, name + " changes what is hashed, and nixgen does not reproduce it"
		}
	}
	flag := func(name string, def bool) (bool, string) {
		v, ok := call.Args[name]
		if !ok {
			return def, ""
		}
		switch v.Value.Raw {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return false, fmt.Sprintf("%s = %s is not true or false", name, v.Value.Raw)
	}

	switch call.Func {
	case "fetchFromGitHub":
		owner, why := stringArg(src, call, "owner")
		if why != "" {
			return nil, why
		}
		repo, why := stringArg(src, call, "repo")
		if why != "" {
			return nil, why
		}
		base := b.opts.GitHubURL
		if base == "" {
			if _, ok := call.Args["githubBase"]; ok {
				host, why := stringArg(src, call, "githubBase")
				if why != "" {
					return nil, why
				}
				base = "https://" + host
			}
		}
		submodules, why := flag("fetchSubmodules", false)
		if why != "" {
			return nil, why
		}
		force, why := flag("forceFetchGit", false)
		if why != "" {
			return nil, why
		}
		p.subject = owner + "/" + repo
		p.req = resolve.Request{Fetcher: resolve.GitHub, URL: resolve.GitHubURL(base, owner, repo), Owner: owner, Repo: repo}
		if submodules || force {
			p.req.Fetcher, p.req.Submodules = resolve.Git, submodules
		}
	case "fetchgit":
		url, why := stringArg(src, call, "url")
		if why != "" {
			return nil, why
		}
		submodules, why := flag("fetchSubmodules", true)
		if why != "" {
			return nil, why
		}
		p.subject = url
		p.req = resolve.Request{Fetcher: resolve.Git, URL: resolve.Mirror(url, b.opts.GitHubURL), Submodules: submodules}
	}

	if call.HashAttr == "" {
		return nil, "it has no hash or sha256 argument"
	}
	p.hash = call.Args[call.HashAttr]
	if !p.hash.Value.Literal && !p.hash.Value.Placeholder || p.hash.Inherited {
		return nil, fmt.Sprintf("%s = %s is not a string nixgen can replace", call.HashAttr, p.hash.Value.Raw)
	}

	p.revArg = "rev"
	rev, ok := call.Args["rev"]
	if !ok {
		if rev, ok = call.Args["tag"]; !ok {
			return nil, "it has no rev or tag argument"
		}
		p.revArg = "tag"
	}
	p.rev = rev
	switch {
	case rev.Inherited:
		return nil, fmt.Sprintf("%s is inherited; nixgen edits only values written in the call", p.revArg)
	case rev.Value.Literal && isCommit(rev.Value.Text) && p.revArg == "rev":
		p.style = commitStyle
	case rev.Value.Literal:
		p.style = nameStyle
		p.prefix, p.suffix, p.release = splitRelease(strings.TrimPrefix(rev.Value.Text, "refs/tags/"))
	default:
		prefix, suffix, ok := versionPattern(rev.Value.Raw)
		if !ok {
			return nil, fmt.Sprintf("%s = %s: nixgen understands a string, or one that interpolates version", p.revArg, rev.Value.Raw)
		}
		if call.Version == nil || !call.Version.Value.Literal {
			return nil, fmt.Sprintf("%s = %s, and the version it reads is not a string in this file", p.revArg, rev.Value.Raw)
		}
		p.style, p.prefix, p.suffix = versionStyle, prefix, suffix
	}
	return p, ""
}

// checkRemote refuses a pin whose repository git could take for an
// option or that no fetcher could name (a space, a control character),
// at the argument that says so: bump must not hand it to git.
func checkRemote(f File, call nixedit.Fetch, req resolve.Request) error {
	at := func(arg string) (int, int) {
		if b, ok := call.Args[arg]; ok {
			return lineCol(f.Data, b.Value.Start)
		}
		return call.Pos.Line, call.Pos.Col
	}
	refuse := func(arg, msg string) error {
		line, col := at(arg)
		return &diag.InputError{File: f.Path, Line: line, Col: col, Msg: msg,
			Hint: "nixgen bump hands this value to git; correct it, or remove the call"}
	}
	if call.Func == "fetchFromGitHub" {
		switch {
		case !ident.GitHubRepo(req.Owner + "/x"):
			return refuse("owner", fmt.Sprintf("owner %q is not a GitHub user or organisation name", req.Owner))
		case !ident.GitHubRepo(req.Owner + "/" + req.Repo):
			return refuse("repo", fmt.Sprintf("repo %q is not a GitHub repository name", req.Repo))
		}
		if err := ident.FetchURL(req.URL); err != nil {
			return refuse("githubBase", fmt.Sprintf("%s: %v", req.URL, err))
		}
		return nil
	}
	if err := ident.FetchURL(req.URL); err != nil {
		return refuse("url", fmt.Sprintf("url %q: %v", req.URL, err))
	}
	return nil
}

// stringArg returns the string value of the call's argument name: a
// literal, or a name bound to one literal elsewhere in the file (repo =
// pname;).
func stringArg(src []byte, call nixedit.Fetch, name string) (string, string) {
	b, ok := call.Args[name]
	if !ok {
		return "", "it has no " + name + " argument"
	}
	if b.Value.Literal {
		return b.Value.Text, ""
	}
	ident := b.Value.Raw
	if b.Inherited {
		ident = b.Name
	}
	// nixedit resolves only `version` by scope; for other names take the
	// nearest top-level binding before the call, which is the one in
	// scope in the usual `rec { pname = ...; src = fetchFromGitHub { repo
	// = pname; }; }`.
	if identRE.MatchString(ident) {
		found, _ := nixedit.FindBindings(src, ident)
		var best *nixedit.Binding
		for k, f := range found {
			if len(f.Path) == 1 && f.Value.End <= call.Start {
				best = &found[k]
			}
		}
		if best != nil && best.Value.Literal {
			return best.Value.Text, ""
		}
	}
	return "", fmt.Sprintf("%s = %s: nixgen needs a string, or a name bound to a string before the call", name, b.Value.Raw)
}

var (
	identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_'-]*$`)
	// versionRE matches the source of a string that interpolates version
	// once: "v${version}", "refs/tags/${version}", or the bare name.
	versionRE = regexp.MustCompile(`^"([^"\\$]*)\$\{\s*version\s*\}([^"\\$]*)"$`)
	// releaseRE splits a release tag: prefix, dotted numbers, suffix.
	releaseRE = regexp.MustCompile(`^(\D*?)(\d+(?:\.\d+)+)(\D*)$`)
)

func versionPattern(raw string) (prefix, suffix string, ok bool) {
	if raw == "version" {
		return "", "", true
	}
	m := versionRE.FindStringSubmatch(raw)
	if m == nil {
		return "", "", false
	}
	return strings.TrimPrefix(m[1], "refs/tags/"), m[2], true
}

func splitRelease(tag string) (prefix, suffix string, ok bool) {
	m := releaseRE.FindStringSubmatch(tag)
	if m == nil {
		return "", "", false
	}
	return m[1], m[3], true
}

func isCommit(s string) bool {
	return len(s) == 40 && strings.Trim(s, "0123456789abcdef") == ""
}

// checkRev refuses --rev for pins of several repositories: one revision
// cannot be right for all of them.
func (b *bumper) checkRev() error {
	if b.opts.Rev == "" {
		return nil
	}
	var subjects []string
	for _, p := range b.pins {
		if !slices.Contains(subjects, p.subject) {
			subjects = append(subjects, p.subject)
		}
	}
	if len(subjects) > 1 {
		return diag.Inputf("--rev %s: the files pin %d repositories (%s); name the file with the one pin to move, or bump without --rev",
			b.opts.Rev, len(subjects), strings.Join(subjects, ", "))
	}
	return nil
}

// resolveTargets lists each remote's refs once, in parallel, and picks
// every pin's target.
func (b *bumper) resolveTargets(ctx context.Context) error {
	var urls []string
	for _, p := range b.pins {
		if !slices.Contains(urls, p.req.URL) {
			urls = append(urls, p.req.URL)
		}
	}
	refs := make([][]resolve.Ref, len(urls))
	errs := make([]error, len(urls))
	sem := make(chan struct{}, max(1, b.jobs()))
	var wg sync.WaitGroup
	for k, url := range urls {
		if isCommit(b.opts.Rev) {
			break // nothing to look up
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			refs[k], errs[k] = b.opts.Remote.Refs(ctx, url)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, p := range b.pins {
		k := slices.Index(urls, p.req.URL)
		t, err := b.target(p, refs[k])
		if err != nil {
			return err
		}
		p.target = t
		p.req.Rev, p.req.Ref = t.Commit, t.Ref
	}
	return nil
}

func (b *bumper) jobs() int {
	if b.opts.Jobs > 0 {
		return b.opts.Jobs
	}
	return resolve.DefaultJobs
}

// target picks where pin p moves.
func (b *bumper) target(p *pin, refs []resolve.Ref) (resolve.Target, error) {
	f := b.files[p.file]
	if p.style == nameStyle {
		// A literal release tag follows releases; a branch of the same
		// shape ("release-1.2") follows the branch.
		tag := "refs/tags/" + strings.TrimPrefix(p.rev.Value.Text, "refs/tags/")
		p.release = p.release && slices.ContainsFunc(refs, func(r resolve.Ref) bool { return r.Name == tag })
	}
	var t resolve.Target
	var err error
	switch {
	case b.opts.Rev != "":
		t, err = resolve.ResolveRev(p.req.URL, refs, b.opts.Rev)
	case p.style == versionStyle || p.style == nameStyle && p.release:
		t, err = latestRelease(p.req.URL, refs, p.prefix, p.suffix)
	case p.style == nameStyle:
		t, err = resolve.ResolveRev(p.req.URL, refs, p.rev.Value.Text)
	default:
		t, err = resolve.ResolveRev(p.req.URL, refs, "")
	}
	if err != nil {
		return t, err
	}
	if p.revArg == "tag" && t.Tag == "" {
		line, col := lineCol(f.Data, p.rev.Value.Start)
		return t, &diag.InputError{File: f.Path, Line: line, Col: col,
			Msg: fmt.Sprintf("this pin names a tag, and --rev %s is not a tag of %s", b.opts.Rev, p.req.URL)}
	}
	return t, nil
}

// latestRelease returns the tag PREFIX<numbers>SUFFIX with the highest
// numbers; pre-releases (anything else between prefix and suffix) are
// skipped.
func latestRelease(url string, refs []resolve.Ref, prefix, suffix string) (resolve.Target, error) {
	var best resolve.Ref
	var bestV []int
	for _, r := range refs {
		tag, ok := strings.CutPrefix(r.Name, "refs/tags/")
		if !ok {
			continue
		}
		mid, ok := strings.CutPrefix(tag, prefix)
		if !ok {
			continue
		}
		if mid, ok = strings.CutSuffix(mid, suffix); !ok {
			continue
		}
		v, ok := parseNumbers(mid)
		if ok && (bestV == nil || slices.Compare(v, bestV) > 0) {
			best, bestV = r, v
		}
	}
	if bestV == nil {
		return resolve.Target{}, &diag.ToolError{Command: "git ls-remote " + url,
			Err: fmt.Errorf("no release tag of the form %s<version>%s in %s", prefix, suffix, url)}
	}
	return resolve.ResolveRev(url, refs, best.Name)
}

func parseNumbers(s string) ([]int, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return nil, false
	}
	v := make([]int, len(parts))
	for i, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || strings.HasPrefix(part, "+") {
			return nil, false
		}
		v[i] = n
	}
	return v, true
}

// prefetch hashes every pin and dependency at once, and Go's vendor tree
// beside them.
func (b *bumper) prefetch(ctx context.Context) error {
	var reqs []resolve.Request
	for _, p := range b.pins {
		reqs = append(reqs, p.req)
	}
	if b.cargo != nil {
		reqs = append(reqs, b.cargo.requests(b.opts.GitHubURL)...)
	}
	b.res.Pins = len(b.pins)

	var goErr error
	var wg sync.WaitGroup
	if b.gomod != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			goErr = b.gomod.hash(ctx, b.opts)
		}()
	}
	pins, err := resolve.PrefetchAll(ctx, b.opts.Prefetcher, reqs, b.jobs(), b.opts.Progress)
	wg.Wait()
	if err != nil {
		return err
	}
	if goErr != nil {
		return goErr
	}
	for k, p := range b.pins {
		p.got = pins[k]
		for _, w := range p.got.Warnings {
			b.warnf("%s", w)
		}
	}
	if b.cargo != nil {
		b.cargo.got = pins[len(b.pins):]
	}
	return nil
}

// editPin records the edits that move pin p to what was fetched.
func (b *bumper) editPin(p *pin) error {
	got := p.got
	note := noteFor(got)
	change := func(what, old, new string) Change {
		return Change{Subject: p.subject, What: what, Old: old, New: new, Note: note}
	}
	switch p.style {
	case commitStyle:
		if got.Rev != p.rev.Value.Text {
			if err := b.addEdit(p.file, p.rev.Value, nixedit.QuoteString(got.Rev), change("rev", p.rev.Value.Text, got.Rev)); err != nil {
				return err
			}
		}
		if err := b.editVersion(p, got); err != nil {
			return err
		}
	case nameStyle:
		want := p.rev.Value.Text
		switch {
		case got.Tag != "" && strings.HasPrefix(want, "refs/tags/"):
			want = "refs/tags/" + got.Tag
		case got.Tag != "":
			want = got.Tag
		case got.Ref == "refs/heads/"+strings.TrimPrefix(want, "refs/heads/"):
			// The branch it names: only the hash moves.
		default:
			want = got.Rev // --rev named a commit, or another branch
		}
		if want != p.rev.Value.Text {
			if err := b.addEdit(p.file, p.rev.Value, nixedit.QuoteString(want), change(p.revArg, p.rev.Value.Text, want)); err != nil {
				return err
			}
		}
		if err := b.editVersion(p, got); err != nil {
			return err
		}
	case versionStyle:
		mid, ok := releaseVersion(got.Tag, p.prefix, p.suffix)
		if !ok {
			// --rev named a commit, a branch or a tag of another form: the
			// value names it directly, and version stays.
			want := got.Rev
			if p.revArg == "tag" {
				want = got.Tag
			}
			b.warnf("%s: %s = %s replaced by %q; version stays %q: change it by hand if it should", p.subject, p.revArg, p.rev.Value.Raw, want, p.fetch.Version.Value.Text)
			if err := b.addEdit(p.file, p.rev.Value, nixedit.QuoteString(want), change(p.revArg, p.rev.Value.Raw, want)); err != nil {
				return err
			}
			break
		}
		if v := p.fetch.Version.Value; v.Text != mid {
			if err := b.addEdit(p.file, v, nixedit.QuoteString(mid), change("version", v.Text, mid)); err != nil {
				return err
			}
		}
	}
	return b.editHash(p.file, p.hash, p.fetch.HashAttr, got.Hash, Change{Subject: p.subject, Note: note})
}

// releaseVersion returns what a tag holds between prefix and suffix.
func releaseVersion(tag, prefix, suffix string) (string, bool) {
	if tag == "" {
		return "", false
	}
	mid, ok := strings.CutPrefix(tag, prefix)
	if !ok {
		return "", false
	}
	mid, ok = strings.CutSuffix(mid, suffix)
	return mid, ok && mid != ""
}

var unstableRE = regexp.MustCompile(`^(.*unstable-)\d{4}-\d{2}-\d{2}$`)

// editVersion keeps a literal version beside a literal rev in step: the
// tag's version for a release tag, the commit's date for an
// "0-unstable-YYYY-MM-DD" version.
func (b *bumper) editVersion(p *pin, got resolve.Pin) error {
	v := p.fetch.Version
	if v == nil || !v.Value.Literal {
		return nil
	}
	want := v.Value.Text
	switch m := unstableRE.FindStringSubmatch(want); {
	case got.Tag != "" && p.release:
		if mid, ok := releaseVersion(got.Tag, p.prefix, p.suffix); ok {
			want = mid
		}
	case got.Version != "" && resolve.TagVersion(want) != "":
		want = got.Version
	case m != nil && got.Tag == "" && len(got.Date) >= 10:
		want = m[1] + got.Date[:10]
	}
	if want == v.Value.Text {
		return nil
	}
	return b.addEdit(p.file, v.Value, nixedit.QuoteString(want), Change{Subject: p.subject, What: "version", Old: v.Value.Text, New: want, Note: noteFor(got)})
}

// editHash records a hash edit when the digest differs, written in the
// form the old value used (SRI, sha256:nix32, nix32 or base16).
func (b *bumper) editHash(file int, bind nixedit.Binding, what, sri string, c Change) error {
	sum, err := narhash.ParseSRI(sri)
	if err != nil {
		return err
	}
	old := bind.Value
	if old.Literal && !old.Placeholder {
		if cur, err := narhash.Parse(old.Text); err == nil && cur == sum {
			return nil
		}
	}
	text := formatLike(old.Text, sum)
	c.What, c.Old, c.New = what, old.Raw, text
	if old.Literal {
		c.Old = old.Text
	}
	return b.addEdit(file, old, nixedit.QuoteString(text), c)
}

// formatLike writes sum in the form of old.
func formatLike(old string, sum narhash.Sum) string {
	switch {
	case strings.HasPrefix(old, "sha256:"):
		return "sha256:" + sum.Nix32()
	case len(old) == 52 && !strings.ContainsAny(old, "-+/="):
		return sum.Nix32()
	case len(old) == 64 && strings.Trim(old, "0123456789abcdef") == "":
		return fmt.Sprintf("%x", sum[:])
	}
	return sum.SRI()
}

// noteFor says where a pin points, for the report.
func noteFor(got resolve.Pin) string {
	switch {
	case got.Tag != "":
		return "tag " + got.Tag
	case strings.HasPrefix(got.Ref, "refs/heads/"):
		return "branch " + strings.TrimPrefix(got.Ref, "refs/heads/")
	case got.Ref == "HEAD":
		return "default branch"
	}
	return ""
}
