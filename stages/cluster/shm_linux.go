package cluster

import (
	"os"
	"syscall"
)

// shmDir is Linux's shared memory file system (tmpfs).
const shmDir = "/dev/shm"

// LocalResultDir returns the result directory root for workers on this
// machine (local:N): /dev/shm when it is a writable tmpfs with room for
// twice the input besides a reserve, so that results go from worker to
// coordinator through memory instead of a disk file system's page cache
// and block allocation (on the 1 GB pass-through, about a third of a
// worker's CPU time); else "" (the temp directory). A result file is
// removed as soon as the coordinator has read it, so the room needed is
// what workers write ahead of the coordinator, at most the whole result.
func LocalResultDir(resultBytes int64) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(shmDir, &st); err != nil || st.Type != tmpfsMagic {
		return ""
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if free < resultBytes+shmReserve {
		return ""
	}
	if f, err := os.CreateTemp(shmDir, "arrowpipe-probe-*"); err != nil {
		return ""
	} else {
		f.Close()
		os.Remove(f.Name())
	}
	return shmDir
}

// tmpfsMagic is statfs's f_type of tmpfs.
const tmpfsMagic = 0x01021994

// shmReserve is the room left to other users of /dev/shm.
const shmReserve = 1 << 30
