package scanner

import "syscall"

// recvErr asks Linux to report ICMP errors (port unreachable) on an
// unconnected UDP socket too (IP_RECVERR, udp(7)), so a probe sent from one
// reads a closed port as refused instead of waiting out its timeout.
func recvErr(network, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		if network == "udp6" {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_RECVERR, 1)
			return
		}
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, syscall.IP_RECVERR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}
