package cluster

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Results on a shared file system: a job's coordinator makes a directory
// named for the job (resultDirPrefix + job id) and names it in every task;
// a worker that sees that directory writes its attempt's result there as
// one Arrow IPC stream file and sends only the done message through
// JetStream. A worker that does not see it (another machine, without the
// shared path) sends the result as parts through JetStream as before, so
// the directory is an optimization, never a requirement. The same
// exactly-once rules hold: each attempt writes a file of its own (task and
// attempt in its name), written under a temporary name and renamed when
// complete; the coordinator reads the first done message's file, removes
// the files of any other attempt it hears of, and removes the directory
// with everything left in it when the job ends. A worker whose result
// lost (its done message was a duplicate) or whose job is gone removes
// its own file.
const resultDirPrefix = "arrowpipe-results-"

// resultBufBytes is the buffer between the IPC stream and its file.
const resultBufBytes = 1 << 20

// resultFileName is the file of one attempt at a task in the job's
// directory.
func resultFileName(task int, attempt string) string {
	return fmt.Sprintf("task-%d-%s.arrows", task, attempt)
}

// validResultDir reports whether dir may be a task's result directory: an
// absolute, clean path whose last element names the job.
func validResultDir(dir, job string) bool {
	return filepath.IsAbs(dir) && filepath.Clean(dir) == dir && filepath.Base(dir) == resultDirPrefix+job &&
		!strings.ContainsRune(dir, 0)
}

// usableResultDir reports whether this worker sees the job's result
// directory: the shared file system is there.
func usableResultDir(dir string) bool {
	if dir == "" {
		return false
	}
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// resultFile writes an attempt's result: buffered, to a temporary name
// until commit.
type resultFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
	n    int64
}

func createResultFile(dir string, task int, attempt string) (*resultFile, error) {
	path := filepath.Join(dir, resultFileName(task, attempt))
	f, err := os.OpenFile(path+".tmp", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cluster: result file: %w", err)
	}
	return &resultFile{path: path, f: f, w: bufio.NewWriterSize(f, resultBufBytes)}, nil
}

func (r *resultFile) Write(b []byte) (int, error) {
	n, err := r.w.Write(b)
	r.n += int64(n)
	return n, err
}

// commit flushes and closes the file and gives it its final name.
func (r *resultFile) commit() error {
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(r.path+".tmp", r.path)
	}
	if err != nil {
		os.Remove(r.path + ".tmp")
		return fmt.Errorf("cluster: result file: %w", err)
	}
	return nil
}

// abort removes an unfinished or losing result.
func (r *resultFile) abort() {
	r.f.Close()
	os.Remove(r.path + ".tmp")
	os.Remove(r.path)
}

// openResultFile opens an attempt's result for reading.
func openResultFile(dir string, task int, attempt string) (io.ReadCloser, error) {
	f, err := os.Open(filepath.Join(dir, resultFileName(task, attempt)))
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(f, resultBufBytes), f}, nil
}

func removeResultFile(dir string, task int, attempt string) {
	os.Remove(filepath.Join(dir, resultFileName(task, attempt)))
}
