package output

import (
	"errors"
	"os"
	"sync"
	"syscall"
)

// TempFiles records the temporary files of the outputs opened with it
// (Options.Temps) for as long as they exist, so that a process that must
// exit at once, without unwinding to Abort (a second SIGINT), can still
// remove them: RemoveAll. A Commit or Abort takes its file off the list.
//
// The zero value is ready to use; a TempFiles is safe for concurrent use.
type TempFiles struct {
	mu    sync.Mutex
	paths map[string]struct{}
	dirs  map[string]struct{}
}

// TrackDir records a temporary directory of the run (where a sort spills)
// until the returned func is called: RemoveAll removes it with everything
// in it. Calling TrackDir on a nil *TempFiles records nothing.
func (t *TempFiles) TrackDir(dir string) (untrack func()) {
	if t == nil {
		return func() {}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dirs == nil {
		t.dirs = map[string]struct{}{}
	}
	t.dirs[dir] = struct{}{}
	return func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		delete(t.dirs, dir)
	}
}

func (t *TempFiles) add(path string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.paths == nil {
		t.paths = map[string]struct{}{}
	}
	t.paths[path] = struct{}{}
}

func (t *TempFiles) drop(path string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.paths, path)
}

// RemoveAll removes every recorded temporary file, even while its File is
// still being written (the writes then go to an unlinked file), and every
// recorded directory with its contents, and returns the errors of the
// removals that failed; a file already gone is not an error. It never
// touches an output's own path: a temporary file already renamed onto it
// is simply not found.
func (t *TempFiles) RemoveAll() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for path := range t.paths {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		delete(t.paths, path)
	}
	for dir := range t.dirs {
		if err := removeDir(dir); err != nil {
			errs = append(errs, err)
		}
		delete(t.dirs, dir)
	}
	return errors.Join(errs...)
}

// removeDir removes dir and what it holds. A stage may still be writing
// into it (a hurried exit does not wait for the run to stop), so a file
// created while the directory is being emptied fails the last step with
// ENOTEMPTY: it tries again, a few times.
func removeDir(dir string) error {
	var err error
	for range 5 {
		if err = os.RemoveAll(dir); err == nil || !errors.Is(err, syscall.ENOTEMPTY) {
			return err
		}
	}
	return err
}
