//go:build unix

package scanner

import "syscall"

// fdHeadroom is kept free for the rest of the process (collectors, logs,
// reports) when sizing the sweep to the file-descriptor limit.
const fdHeadroom = 256

// maxConcurrency caps in-flight probes by the open-file limit: each probe
// holds one socket, and running out turns answers into EMFILE errors. Go
// raises the soft limit to the hard one at start-up, so cur is usually high.
func maxConcurrency(want int) int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > uint64(want+fdHeadroom) {
		return want
	}
	return max(1, int(lim.Cur)-fdHeadroom)
}
