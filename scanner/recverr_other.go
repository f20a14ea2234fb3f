//go:build !linux

package scanner

import "syscall"

// recvErr is Linux-only; elsewhere an unconnected socket sees no ICMP error
// and a closed port reads as silent.
func recvErr(string, string, syscall.RawConn) error { return nil }
