package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/nats-io/nats.go/jetstream"
)

// stdinName is the file name a task read from the coordinator's stdin
// carries, for its errors; workers never open it.
const stdinName = "/dev/stdin"

// dataBucket is the job's object store bucket: the bytes of the tasks of
// stdin and of the files workers cannot read (Job.Upload). It exists
// while the job runs and is deleted at its end, whatever the end.
func dataBucket(job string) string { return "ARROWPIPE_DATA_" + job }

// objectName is the object task i reads.
func objectName(task int) string { return "task-" + strconv.Itoa(task) }

// spoolStdin copies r into a new file in dir, so that stdin is planned
// and cut as a file is (its schema read, its ranges cut at record
// boundaries) while its memory stays bounded. The caller removes it.
func spoolStdin(r io.Reader, dir, job string) (string, error) {
	if r == nil {
		r = os.Stdin
	}
	f, err := os.CreateTemp(dir, "arrowpipe-stdin-"+job+"-*")
	if err != nil {
		return "", fmt.Errorf("cluster: stdin: %w", err)
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("cluster: stdin: %w", err)
	}
	return f.Name(), nil
}

// dataStore returns the job's bucket, made on first use.
func (c *coordinator) dataStore(ctx context.Context) (jetstream.ObjectStore, error) {
	if c.store != nil {
		return c.store, nil
	}
	err := retry(ctx, func(ctx context.Context) (err error) {
		c.store, err = c.js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:   dataBucket(c.id),
			Storage:  jetstream.FileStorage,
			Replicas: replicas(c.js),
			// A coordinator that dies without cleaning up leaves its
			// bucket to expire.
			TTL: 24 * time.Hour,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: object store: %w", err)
	}
	return c.store, nil
}

// upload puts task i's bytes into the job's bucket and returns the range
// the task reads of its object: a range's bytes, after the file's header
// record for a range after the first, or the whole file.
func (c *coordinator) upload(ctx context.Context, i int, in taskInput) (*Range, error) {
	store, err := c.dataStore(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(in.local)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	var rng *Range
	if in.rng != nil {
		head := io.NewSectionReader(f, 0, in.rng.Header)
		body := io.NewSectionReader(f, in.rng.Start, in.rng.End-in.rng.Start)
		r = io.MultiReader(head, body)
		rng = &Range{Start: in.rng.Header, End: in.rng.Header + in.rng.End - in.rng.Start,
			Header: in.rng.Header, Line: in.rng.Line}
	}
	// One try, without retry's per-try bound: the reader is used up, and
	// a large object takes as long as it takes.
	if _, err := store.Put(ctx, jetstream.ObjectMeta{Name: objectName(i)}, r); err != nil {
		return nil, fmt.Errorf("cluster: upload task %d (%s): %w", i, in, err)
	}
	return rng, nil
}

// deleteData deletes the job's bucket; it runs even when ctx has ended.
func (c *coordinator) deleteData(ctx context.Context) {
	if c.store == nil {
		return
	}
	c.js.DeleteObjectStore(ctx, dataBucket(c.id))
}

// fetchObject copies task t's object into a new file in dir and returns
// its path; the caller removes it.
func fetchObject(ctx context.Context, js jetstream.JetStream, t *Task, dir string) (string, error) {
	path, err := copyObject(ctx, js, t.Job, t.Object, dir, copyPattern("arrowpipe-task-"+t.Job, t.Files[0]))
	if err != nil && !errors.Is(err, errJobGone) {
		return "", fmt.Errorf("cluster: object %s of task %d: %w", t.Object, t.Index, err)
	}
	return path, err
}

// copyPattern is os.CreateTemp's pattern for a worker's copy of the file
// name: the copy's extensions say the format and compression that name's
// say (x.tsv.gz: .tsv.gz), as the coordinator read them.
func copyPattern(prefix, name string) string {
	f, c := format.FromPath(name)
	var ext string
	if e := f.Extensions(); len(e) > 0 {
		ext = e[0]
	}
	if e := c.Extensions(); len(e) > 0 {
		ext += e[0]
	}
	return prefix + "-*" + ext
}

// copyObject copies object of job's bucket into a new file in dir named
// by pattern (os.CreateTemp's) and returns its path; the caller removes
// it. A bucket that is gone means the job is (errJobGone).
func copyObject(ctx context.Context, js jetstream.JetStream, job, object, dir, pattern string) (string, error) {
	var store jetstream.ObjectStore
	err := retry(ctx, func(ctx context.Context) (err error) {
		store, err = js.ObjectStore(ctx, dataBucket(job))
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			return errJobGone
		}
		return err
	})
	if err != nil {
		return "", err
	}
	var info *jetstream.ObjectInfo
	if err := retry(ctx, func(ctx context.Context) (err error) {
		info, err = store.GetInfo(ctx, object)
		return err
	}); err != nil {
		return "", err
	}
	// Without a deadline, Get bounds the whole download by the client's
	// default timeout (5 s), which a large object on a slow link exceeds.
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout(info.Size))
	defer cancel()
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	obj, err := store.Get(ctx, object)
	if err == nil {
		_, err = io.Copy(f, obj)
		obj.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// downloadTimeout allows an object of size bytes a minute plus 1 MiB/s,
// so that only a stalled download fails.
func downloadTimeout(size uint64) time.Duration {
	return time.Minute + time.Duration(size>>20)*time.Second
}

// renamedError names the task's file where the error names the worker's
// copy of its object; it unwraps to the error.
type renamedError struct {
	err      error
	from, to string
}

func (e *renamedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.from, e.to) }
func (e *renamedError) Unwrap() error { return e.err }
