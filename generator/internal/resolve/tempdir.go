package resolve

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Prefetches and `go mod vendor` work in directories under TMPDIR named
// by these prefixes. A run that is killed leaves them behind: a run ends
// them on SIGINT, SIGTERM and SIGHUP (see tempDir), and the next run
// removes those a SIGKILL left (see removeStaleTemps).
var tempPrefixes = []string{"nixgen-prefetch-", "nixgen-git-home-", "nixgen-govendor-"}

// staleAge is how old a directory of a killed run must be before another
// run removes it: no prefetch takes an hour, so no live run owns it.
const staleAge = time.Hour

var (
	liveMu    sync.Mutex
	liveTemps = map[string]bool{}
	onSignal  sync.Once
	staleOnce sync.Once
)

// tempDir makes a temporary directory whose name starts with prefix (one
// of tempPrefixes) and returns it with the function that removes it. Until
// then a signal that ends the process removes it first.
func tempDir(prefix string) (string, func(), error) {
	staleOnce.Do(func() { removeStaleTemps(os.TempDir(), time.Now()) })
	onSignal.Do(cleanOnSignal)
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	liveMu.Lock()
	liveTemps[dir] = true
	liveMu.Unlock()
	return dir, func() {
		removeAll(dir)
		liveMu.Lock()
		delete(liveTemps, dir)
		liveMu.Unlock()
	}, nil
}

// cleanOnSignal removes the live temporary directories when SIGINT,
// SIGTERM or SIGHUP arrives, then lets the signal end the process as it
// would have.
func cleanOnSignal() {
	sigs := []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		sig := <-ch
		liveMu.Lock()
		for dir := range liveTemps {
			removeAll(dir)
		}
		liveMu.Unlock()
		signal.Reset(sigs...)
		if p, err := os.FindProcess(os.Getpid()); err == nil {
			p.Signal(sig)
		}
	}()
}

// removeStaleTemps removes the directories under tmp that killed nixgen
// runs of this user left: named by tempPrefixes, owned by us, and not
// modified for staleAge.
func removeStaleTemps(tmp string, now time.Time) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !hasTempPrefix(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleAge {
			continue
		}
		if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
			continue
		}
		removeAll(filepath.Join(tmp, e.Name()))
	}
}

func hasTempPrefix(name string) bool {
	for _, p := range tempPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// removeAll is os.RemoveAll that also removes read-only directories (git
// and the module cache make some).
func removeAll(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}
