package cargo

import (
	"cmp"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/joho/godotenv"

	"github.com/nixgen/nixgen/generator/internal/gitignore"
	"github.com/nixgen/nixgen/generator/internal/projfs"
)

// The warning for a crate whose query macros cannot check their SQL in
// the Nix build; sqlxLiveDatabase says why when a .env tells it.
const (
	sqlxChecks      = "sqlx query macros check SQL against a database at compile time"
	sqlxPrepare     = "run `cargo sqlx prepare --workspace` and commit .sqlx/, then rerun nixgen"
	sqlxUnreachable = sqlxChecks + ", which a Nix build cannot reach: " + sqlxPrepare
)

// sqlxLiveDatabase is what the query macros of the crate in dir reach
// when there is no offline data: the DATABASE_URL of the .env they load,
// the crate's own (sqlx-macros 0.7 and later), else the workspace root's
// (dotenvy's search from the compiler's working directory, which Cargo
// sets to the workspace root; older sqlx-macros only do this). It returns
// what the build must keep to check the queries offline: that .env and
// the SQLite file it names. When the build cannot (a database server, a
// file the flake's source lacks), it returns instead warnings that say
// what the .env names: the kind of database, never the URL, which may
// hold a password.
//
// A .env often holds secrets, and the source is copied to the Nix store,
// readable by every user of the machine: nixgen keeps a .env in the
// source only here, where the build reads it and it names nothing but a
// committed SQLite file.
func sqlxLiveDatabase(fsys fs.FS, ign *gitignore.Rules, dir string) (keep []string, warnings []string) {
	warn := func(why, fix string) []string { return []string{sqlxChecks + ", and " + why + ": " + fix} }
	// The flake's source holds what git keeps: an ignored .env is not
	// there, and sqlx goes on to the next.
	env, ignored := "", ""
	for _, d := range []string{dir, "."} {
		p := path.Join(d, ".env")
		if st, err := fs.Stat(fsys, p); err != nil || st.IsDir() {
			continue
		}
		if ign.Ignored(p) {
			ignored = cmp.Or(ignored, p)
			continue
		}
		env = p
		break
	}
	switch {
	case env == "" && ignored != "":
		return nil, warn(fmt.Sprintf("%s, which would name it, is left out of git by %s, so the flake's source lacks it", ignored, ign.Why(ignored)), sqlxPrepare)
	case env == "":
		return nil, []string{sqlxUnreachable}
	}
	data, err := projfs.ReadFile(fsys, env)
	if err != nil {
		return nil, []string{err.Error(), sqlxUnreachable}
	}
	// godotenv's errors quote the text around the fault, which may be a
	// secret: say only that the file could not be read.
	vars, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		return nil, warn("nixgen cannot read "+env+" as a dotenv file", sqlxPrepare)
	}
	dbURL, ok := vars["DATABASE_URL"]
	if !ok {
		return nil, warn(env+" does not set DATABASE_URL", sqlxPrepare)
	}
	file, memory, isSQLite := sqliteDatabase(dbURL)
	switch kind := databaseKind(dbURL); {
	case kind == "":
		return nil, warn(env+" sets DATABASE_URL to something that is not a database URL", sqlxPrepare)
	case !isSQLite:
		return nil, warn(fmt.Sprintf("%s sets DATABASE_URL to %s, which the Nix build cannot reach", env, kind), sqlxPrepare)
	case memory:
		return []string{env}, nil // nothing to keep but the .env
	case path.IsAbs(file):
		return nil, warn(env+" sets DATABASE_URL to a SQLite file at an absolute path, which the Nix build cannot see", sqlxPrepare)
	}
	// sqlx opens a relative file from the compiler's working directory,
	// the workspace root, wherever the .env is
	// (https://github.com/launchbadge/sqlx/issues/3099).
	db := path.Clean(file)
	if db == ".." || strings.HasPrefix(db, "../") {
		return nil, warn(env+" sets DATABASE_URL to a SQLite file outside the repository, which the Nix build cannot see", sqlxPrepare)
	}
	err = projfs.Check(fsys, db)
	if skip, ok := projfs.Skipped(err); ok {
		return nil, []string{skip.Error(), sqlxUnreachable}
	}
	if ign.Ignored(db) {
		return nil, warn(fmt.Sprintf("%s sets DATABASE_URL to the SQLite file %s, which %s leaves out of git, so the flake's source lacks it", env, db, ign.Why(db)),
			"commit the database, or "+sqlxPrepare)
	}
	if st, statErr := fs.Stat(fsys, db); err != nil || statErr != nil || st.IsDir() {
		where := ""
		if path.Dir(env) != "." {
			where = " (sqlx opens it from the workspace root, not beside the .env)"
		}
		return nil, warn(fmt.Sprintf("%s sets DATABASE_URL to the SQLite file %s%s, which is not a file of the repository", env, db, where),
			"commit the database, or "+sqlxPrepare)
	}
	return []string{env, db}, nil
}

// sqliteDatabase reads a DATABASE_URL as sqlx's SqliteConnectOptions
// does: after sqlite:// or sqlite:, a percent-encoded file name and
// optional parameters, mode=memory or :memory: meaning no file at all.
func sqliteDatabase(dbURL string) (file string, memory, ok bool) {
	rest, ok := strings.CutPrefix(dbURL, "sqlite:")
	if !ok {
		return "", false, false
	}
	rest = strings.TrimPrefix(rest, "//")
	name, params, _ := strings.Cut(rest, "?")
	if q, err := url.ParseQuery(params); err == nil && q.Get("mode") == "memory" {
		return "", true, true
	}
	file, err := url.PathUnescape(name)
	if err != nil {
		file = name
	}
	// An empty name is a private temporary database.
	return file, file == ":memory:" || file == "", true
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// databaseKind names what a database URL reaches by its scheme alone, the
// rest of it being none of a warning's business; "" when it has none.
func databaseKind(dbURL string) string {
	scheme, _, found := strings.Cut(dbURL, ":")
	if !found || !schemeRE.MatchString(scheme) {
		return ""
	}
	switch scheme = strings.ToLower(scheme); scheme {
	case "postgres", "postgresql", "mysql", "mariadb", "mssql":
		return "a " + scheme + " server"
	}
	return "a " + scheme + ": URL"
}
