package output

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxLinkHops bounds the symbolic links followed from an output path, as
// the kernel's own limit does (ELOOP).
const maxLinkHops = 40

// linkTarget follows the symbolic links of path to the file they name,
// which need not exist yet (a link to a missing file creates that file,
// as a shell redirect does). A link that lives in /dev or /proc
// (/dev/stdout, /proc/self/fd/1) is not followed: it names an open
// descriptor, not a path, and is returned as it is with magic set, to be
// opened and written in place.
func linkTarget(path string) (target string, magic bool, err error) {
	p := path
	for range maxLinkHops {
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, false, nil
		}
		if err != nil {
			return "", false, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return p, false, nil
		}
		if inKernelDir(p) {
			return p, true, nil
		}
		next, err := os.Readlink(p)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(next) {
			next = filepath.Join(filepath.Dir(p), next)
		}
		p = next
	}
	return "", false, fmt.Errorf("more than %d levels of symbolic links", maxLinkHops)
}

// inKernelDir reports whether path lies in /dev or /proc, whose links
// stand for devices and open descriptors.
func inKernelDir(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
}

// createTemp creates a new file ".BASE.tmp-NNN" in dir with permission
// bits perm less the process's umask, as a shell redirect would
// (os.CreateTemp forces 0600, which Commit would then have to widen past
// the umask).
func createTemp(dir, base string, perm os.FileMode) (*os.File, error) {
	for range 10000 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, "."+base+".tmp-*"), Err: fs.ErrExist}
}
