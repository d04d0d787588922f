package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nixgen/nixgen/generator/internal/model"
)

// storeLibraries are the libraries that speak to each store: Rust crates
// (or "crate/feature" pairs) and Go module paths.
var storeLibraries = map[string][]string{
	model.Postgres: {
		"tokio-postgres", "postgres", "sqlx-postgres", "sqlx/postgres", "diesel/postgres", "pq-sys",
		"sea-orm/sqlx-postgres", "deadpool-postgres", "bb8-postgres",
		"github.com/jackc/pgx", "github.com/jackc/pgx/v4", "github.com/jackc/pgx/v5", "github.com/lib/pq",
		"gorm.io/driver/postgres", "github.com/go-pg/pg/v10", "github.com/uptrace/bun/driver/pgdriver",
	},
	model.MySQL: {
		"mysql_async", model.MySQL, "sqlx-mysql", "sqlx/mysql", "diesel/mysql", "mysqlclient-sys",
		"github.com/go-sql-driver/mysql", "gorm.io/driver/mysql",
	},
	model.Redis: {
		"redis", "fred", "deadpool-redis", "bb8-redis",
		"github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8", "github.com/gomodule/redigo",
	},
	model.SQLite: {
		"rusqlite", "libsqlite3-sys", "sqlx-sqlite", "sqlx/sqlite", "diesel/sqlite",
		"github.com/mattn/go-sqlite3", "modernc.org/sqlite", "github.com/glebarez/sqlite", "gorm.io/driver/sqlite",
	},
}

// stores decides which backing stores the module provides: a setting that
// names a database by its name (DATABASE_URL, *_DB_PATH, REDIS_URL), a
// library that speaks to it, and the setting's default (a URL's scheme)
// when several would. It returns warnings for stores it cannot create.
func stores(p *model.Project, sf *model.Surface, s *model.Service) []string {
	uses := func(kind string) bool {
		for _, lib := range storeLibraries[kind] {
			if _, found := slices.BinarySearch(p.Libraries, lib); found {
				return true
			}
		}
		return false
	}
	set := map[string]bool{}
	for _, e := range s.Endpoints() {
		set[e.PortEnv], set[e.HostEnv], set[e.ListenEnv] = true, true, true
	}
	var warnings []string
	seen := map[string]bool{}
	for _, st := range sf.Settings {
		if set[st.Name] {
			continue
		}
		kind, url := storeOf(st, uses)
		if kind == "" || seen[kind] {
			continue
		}
		seen[kind] = true
		if (kind == model.Postgres && seen[model.MySQL]) || (kind == model.MySQL && seen[model.Postgres]) {
			// database.createLocally makes one database server.
			warnings = append(warnings, fmt.Sprintf("%s: %s names a second database server, which nixgen does not create: give it in services.%s.environmentFile", orAt(st.At), st.Name, s.Name))
			continue
		}
		var socket string
		switch kind {
		case model.MySQL:
			var why string
			if socket, why = mysqlSocket(p, st); socket == "" {
				warnings = append(warnings, fmt.Sprintf("%s: %s names a MySQL database, which nixgen does not create on the host (%s): give it in services.%s.environmentFile", orAt(st.At), st.Name, why, s.Name))
				continue
			}
			url = socket != model.GoDSN
		case model.SQLite:
			// A relative default lands in the state directory, the
			// working directory; only a setting without one is set.
			if st.Default != "" {
				continue
			}
		}
		s.Stores = append(s.Stores, model.Store{Kind: kind, Var: st.Name, URL: url, Socket: socket, At: st.At})
	}
	return warnings
}

// storeOf reads which store a setting names, and whether it takes a URL.
func storeOf(st model.Setting, uses func(string) bool) (kind string, url bool) {
	n := strings.ToUpper(st.Name)
	def := strings.ToLower(st.Default)
	isURL := strings.HasSuffix(n, "_URL") || strings.HasSuffix(n, "_URI") || strings.HasSuffix(n, "_DSN") || n == "DSN" || strings.Contains(def, "://")
	switch {
	case strings.Contains(n, "REDIS") && isURL && uses(model.Redis):
		return model.Redis, true
	case strings.Contains(n, "REDIS"):
		return "", false
	}
	database := strings.Contains(n, "DATABASE") || strings.Contains(n, "DB_") || strings.HasPrefix(n, "DB") ||
		strings.Contains(n, "POSTGRES") || strings.Contains(n, "SQLITE") || strings.Contains(n, "MYSQL") || strings.HasSuffix(n, "_DSN") || n == "DSN"
	if !database {
		return "", false
	}
	switch {
	case strings.HasPrefix(def, "postgres"):
		return model.Postgres, true
	case strings.HasPrefix(def, "sqlite"):
		return model.SQLite, true
	case strings.HasPrefix(def, model.MySQL) || strings.HasPrefix(def, "mariadb"):
		return model.MySQL, true
	case strings.Contains(n, "POSTGRES") && uses(model.Postgres):
		return model.Postgres, isURL
	case strings.Contains(n, "SQLITE") && uses(model.SQLite):
		return model.SQLite, isURL
	case strings.Contains(n, "MYSQL") && uses(model.MySQL):
		return model.MySQL, isURL
	}
	// Only one kind of database among the libraries decides it.
	var kinds []string
	for _, k := range []string{model.Postgres, model.MySQL, model.SQLite} {
		if uses(k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return "", false
	}
	if kinds[0] == model.SQLite && !isURL && !strings.HasSuffix(n, "_PATH") && !strings.HasSuffix(n, "_FILE") {
		return "", false
	}
	if kinds[0] != model.SQLite && !isURL {
		return "", false
	}
	return kinds[0], isURL
}

// mysqlSocketForms are the libraries whose way of taking a Unix socket is
// known, by the form.
var mysqlSocketForms = map[string][]string{
	model.SocketParam:     {"sqlx-mysql", "sqlx/mysql", "mysql_async", "mysql"},
	model.UnixSocketParam: {"diesel/mysql", "mysqlclient-sys"},
	model.GoDSN:           {"github.com/go-sql-driver/mysql", "gorm.io/driver/mysql"},
}

// mysqlSocket decides how the setting st gives the app a MySQL socket: by
// the one driver the program uses. A Go program whose default is a URL
// parses it itself, in a way nixgen cannot know. It returns "" and why
// when it cannot tell.
func mysqlSocket(p *model.Project, st model.Setting) (string, string) {
	var forms []string
	for _, form := range []string{model.SocketParam, model.UnixSocketParam, model.GoDSN} {
		for _, lib := range mysqlSocketForms[form] {
			if _, found := slices.BinarySearch(p.Libraries, lib); found {
				forms = append(forms, form)
				break
			}
		}
	}
	switch {
	case len(forms) != 1:
		return "", "no one MySQL driver tells how it takes a Unix socket"
	case forms[0] == model.GoDSN && strings.Contains(st.Default, "://"):
		return "", "its default is a URL the program converts itself"
	}
	return forms[0], ""
}
