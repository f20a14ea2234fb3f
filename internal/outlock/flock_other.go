//go:build !unix

package outlock

import "os"

// tryLock: this platform has no flock; mfpscan is built and supported on
// Unix, where the lock is real. Elsewhere runs are not kept apart.
func tryLock(*os.File) (bool, error) { return false, nil }

func unlock(*os.File) error { return nil }
