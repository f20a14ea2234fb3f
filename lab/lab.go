// Package lab runs a simulated fleet of office printers on loopback addresses,
// for `mfpscan lab`, `mfpscan demo`, tests and benchmarks.
//
// Each simulated device gets its own address in Config.Subnet (default
// 127.77.0.0/24, devices from .10 up; Linux routes all of 127.0.0.0/8 to lo,
// so no setup is needed) and binds its listeners only there. Real ports
// below 1024 need root; Config.PortOffset shifts every port (TCP and the UDP
// ports of SNMP, WS-Discovery and SLP) by a constant so an unprivileged user can run the lab:
//
//	fleet, err := lab.Start(ctx, lab.Config{PortOffset: 10000})
//	if err != nil { ... }
//	defer fleet.Close()
//	for _, d := range fleet.Devices() { fmt.Println(d.Addr, d.Profile, d.TCPPorts, d.SNMPPort) }
//
// The devices answer like the real products (Server headers, page titles,
// login forms, certificate subjects, SNMP identity objects, FTP banners) but
// never act on anything: no SNMP SET, no setting change, no print job.
// Only loopback subnets are accepted.
package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// defaultSubnet is where the lab puts its devices unless told otherwise.
var defaultSubnet = netip.MustParsePrefix("127.77.0.0/24")

// firstHost is the host number of the first device in the subnet.
const firstHost = 10

// Config selects where and what the lab runs.
type Config struct {
	// Subnet holds the devices, one address each from .10 up. It must lie in
	// 127.0.0.0/8. Zero value: 127.77.0.0/24.
	Subnet netip.Prefix
	// PortOffset is added to every port: 0 binds the real ports (root needed
	// for those below 1024); 10000 serves HTTP 80 on 10080 and SNMP on UDP
	// 10161.
	PortOffset int
	// Profiles lists the devices to run, in address order; nil runs the
	// default fleet (ProfileNames()). A profile may appear more than once.
	Profiles []string
	// Now is the clock for certificate validity and SNMP uptime; nil means
	// time.Now.
	Now func() time.Time
}

// Device describes one running simulated device.
type Device struct {
	Name     string // unique in the fleet: the profile name, suffixed "-2", "-3" for repeats
	Profile  string
	Addr     netip.Addr
	TCPPorts []int          // bound ports (offset applied), sorted
	Roles    map[int]string // bound TCP port → collector role ("http", "https", "ftp", "raw", "lpd", "ipp", "ipps")
	SNMPPort int            // UDP port of the SNMP agent (offset applied); 0 when the device has none
	// WSDPort and SLPPort are the WS-Discovery and SLP UDP ports (offset
	// applied); 0 when the device does not answer them.
	WSDPort, SLPPort int
	// TFTPPort is the TFTP server's UDP port (offset applied); 0 when none.
	TFTPPort int
	// BJNPPorts are the BJNP printer and scanner UDP ports (offset
	// applied); empty when the device does not answer BJNP.
	BJNPPorts   []int
	Description string
	// Ground truth, for end-to-end tests of the scanner. Empty when the
	// device does not claim the fact (the web server is no printer).
	Vendor, Model, Firmware, Serial string
}

// Fleet is a running lab. Close stops it.
type Fleet struct {
	devices []Device
	caPEM   []byte

	mu      sync.Mutex
	closed  bool
	servers []*http.Server
	closers []io.Closer // raw listeners and UDP sockets
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup

	// hostile holds the counters of the hostile devices, by device name.
	hostile map[string]*hostileCounters

	closeOnce sync.Once
	closeErr  error
	stopCtx   func() bool
}

// Start binds every listener of every device and returns once all accept
// connections. The fleet runs until Close is called or ctx is cancelled. If
// any bind fails, everything already started is stopped again.
func Start(ctx context.Context, cfg Config) (*Fleet, error) {
	plan, err := planFleet(cfg)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start lab: %w", err)
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	f := &Fleet{conns: make(map[net.Conn]struct{})}

	bound, err := bindAll(ctx, f, plan, cfg.PortOffset)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	mat, err := makeCerts(plan, now())
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	f.caPEM = mat.ca.pem
	for i, p := range plan {
		dev := newDeviceRuntime(p, mat.certs[i], now)
		f.serveDevice(dev, bound[i])
		f.devices = append(f.devices, p.device(cfg.PortOffset))
	}
	f.stopCtx = context.AfterFunc(ctx, func() { _ = f.Close() })
	return f, nil
}

// Devices returns the running devices in address order.
func (f *Fleet) Devices() []Device {
	out := make([]Device, len(f.devices))
	for i, d := range f.devices {
		d.TCPPorts = slices.Clone(d.TCPPorts)
		roles := make(map[int]string, len(d.Roles))
		for k, v := range d.Roles {
			roles[k] = v
		}
		d.Roles = roles
		out[i] = d
	}
	return out
}

// CACertPEM returns the lab CA certificate (PEM) that signs the hardened
// profile's certificate; a client that trusts it can verify that device.
func (f *Fleet) CACertPEM() []byte { return slices.Clone(f.caPEM) }

// Close stops every listener, connection and goroutine of the fleet and
// waits for them. It is safe to call more than once.
func (f *Fleet) Close() error {
	f.closeOnce.Do(func() {
		if f.stopCtx != nil {
			f.stopCtx()
		}
		f.mu.Lock()
		f.closed = true
		servers, closers := f.servers, f.closers
		conns := make([]net.Conn, 0, len(f.conns))
		for c := range f.conns {
			conns = append(conns, c)
		}
		f.mu.Unlock()

		var errs []error
		for _, s := range servers {
			if err := s.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, fmt.Errorf("close http server %s: %w", s.Addr, err))
			}
		}
		for _, c := range closers {
			if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, fmt.Errorf("close listener: %w", err))
			}
		}
		for _, c := range conns {
			_ = c.Close()
		}
		f.wg.Wait()
		f.closeErr = errors.Join(errs...)
	})
	return f.closeErr
}

// plannedDevice is a profile placed at an address.
type plannedDevice struct {
	profile
	devName string
	addr    netip.Addr
}

func (p plannedDevice) device(offset int) Device {
	d := Device{
		Name: p.devName, Profile: p.name, Addr: p.addr, Description: p.description,
		Roles:  make(map[int]string, len(p.tcp)),
		Vendor: p.id.vendor, Model: p.id.model, Firmware: p.id.firmware, Serial: p.id.serial,
	}
	for _, l := range p.tcp {
		d.TCPPorts = append(d.TCPPorts, l.port+offset)
		d.Roles[l.port+offset] = l.svc.role()
	}
	slices.Sort(d.TCPPorts)
	if p.snmp != nil {
		d.SNMPPort = snmpPort + offset
	}
	if p.discovery {
		d.WSDPort, d.SLPPort = wsdPort+offset, slpPort+offset
	}
	if p.tftp {
		d.TFTPPort = tftpPort + offset
	}
	if p.bjnp {
		d.BJNPPorts = []int{bjnpPrinterPort + offset, bjnpScannerPort + offset}
	}
	return d
}

const snmpPort = 161

// planFleet validates cfg and places each profile at its address.
func planFleet(cfg Config) ([]plannedDevice, error) {
	subnet := cfg.Subnet
	if !subnet.IsValid() {
		subnet = defaultSubnet
	}
	subnet = subnet.Masked()
	loopback := netip.MustParsePrefix("127.0.0.0/8")
	if !subnet.Addr().Is4() || !loopback.Contains(subnet.Addr()) || subnet.Bits() < loopback.Bits() {
		return nil, fmt.Errorf("check subnet %s: the lab only binds IPv4 loopback addresses inside 127.0.0.0/8", subnet)
	}
	names := cfg.Profiles
	if names == nil {
		names = ProfileNames()
	}
	if len(names) == 0 {
		return nil, errors.New("check profiles: no profile given")
	}
	maxPort := 0
	for _, p := range profiles() {
		for _, l := range p.tcp {
			maxPort = max(maxPort, l.port)
		}
	}
	if cfg.PortOffset < 0 || maxPort+cfg.PortOffset > 65535 {
		return nil, fmt.Errorf("check port offset %d: must be between 0 and %d", cfg.PortOffset, 65535-maxPort)
	}

	seen := map[string]int{}
	plan := make([]plannedDevice, 0, len(names))
	addr := subnet.Addr()
	for range firstHost {
		addr = addr.Next()
	}
	for _, n := range names {
		p, ok := lookupProfile(n)
		if !ok {
			return nil, fmt.Errorf("check profile %q: unknown (known: %v, opt-in: %v)", n, ProfileNames(), HostileProfileNames())
		}
		if !subnet.Contains(addr) || addr == lastAddr(subnet) {
			return nil, fmt.Errorf("check subnet %s: too small for %d devices from .%d", subnet, len(names), firstHost)
		}
		seen[n]++
		devName := n
		if seen[n] > 1 {
			devName = n + "-" + strconv.Itoa(seen[n])
		}
		plan = append(plan, plannedDevice{profile: p, devName: devName, addr: addr})
		addr = addr.Next()
	}
	return plan, nil
}

// lastAddr is the subnet's broadcast address, which no device takes.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	hostBits := 32 - p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= uint32(uint64(1)<<hostBits - 1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// boundDevice holds the sockets of one device, bound but not yet served.
type boundDevice struct {
	tcp  []net.Listener // parallel to profile.tcp
	snmp *net.UDPConn
	disc *discoverySockets // nil unless the profile answers WSD and SLP
	tftp *net.UDPConn      // nil unless the profile runs a TFTP server
}

// bindAll binds every socket first, so a failure leaves nothing serving.
// Every socket is registered with f as soon as it exists, so f.Close frees
// it whatever happens next.
func bindAll(ctx context.Context, f *Fleet, plan []plannedDevice, offset int) ([]boundDevice, error) {
	var lc net.ListenConfig
	out := make([]boundDevice, len(plan))
	for i, p := range plan {
		for _, l := range p.tcp {
			ap := netip.AddrPortFrom(p.addr, uint16(l.port+offset))
			ln, err := lc.Listen(ctx, "tcp", ap.String())
			if err != nil {
				return nil, bindError("tcp", ap, err)
			}
			f.closers = append(f.closers, ln)
			out[i].tcp = append(out[i].tcp, ln)
		}
		if p.discovery {
			ds, err := bindDiscovery(ctx, f, &lc, p, offset)
			if err != nil {
				return nil, err
			}
			out[i].disc = ds
		}
		var err error
		if p.tftp {
			if out[i].tftp, err = bindUDP(ctx, f, &lc, netip.AddrPortFrom(p.addr, uint16(tftpPort+offset))); err != nil {
				return nil, err
			}
		}
		if p.snmp != nil {
			if out[i].snmp, err = bindUDP(ctx, f, &lc, netip.AddrPortFrom(p.addr, uint16(snmpPort+offset))); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// bindUDP binds a UDP socket and registers it with f at once.
func bindUDP(ctx context.Context, f *Fleet, lc *net.ListenConfig, ap netip.AddrPort) (*net.UDPConn, error) {
	pc, err := lc.ListenPacket(ctx, "udp", ap.String())
	if err != nil {
		return nil, bindError("udp", ap, err)
	}
	f.closers = append(f.closers, pc)
	return pc.(*net.UDPConn), nil
}

func bindError(network string, ap netip.AddrPort, err error) error {
	if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("bind %s %s: permission denied — run as root or use a port offset (--port-offset): %w", network, ap, err)
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("bind %s %s: address already in use (another lab running?): %w", network, ap, err)
	}
	return fmt.Errorf("bind %s %s: %w", network, ap, err)
}

// serveDevice starts the goroutines that answer on dev's sockets.
func (f *Fleet) serveDevice(dev *deviceRuntime, b boundDevice) {
	if dev.p.hostile != hostileNone {
		f.serveHostile(dev, b)
		return
	}
	for i, l := range dev.p.tcp {
		ln := b.tcp[i]
		switch l.svc {
		case svcHTTP, svcHTTPS, svcRedirect, svcIPP, svcIPPS:
			f.serveHTTP(dev, l.svc, ln)
		case svcFTP:
			f.serveStream(ln, dev.serveFTP)
		case svcRaw:
			f.serveStream(ln, serveRaw)
		case svcLPD:
			f.serveStream(ln, serveLPD)
		}
	}
	if b.snmp != nil {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			dev.agent.serve(b.snmp)
		}()
	}
	if b.disc != nil {
		f.serveDiscovery(dev, b.disc)
	}
	if b.tftp != nil {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			serveTFTP(b.tftp, dev.p.addr)
		}()
	}
}

func (f *Fleet) serveHTTP(dev *deviceRuntime, svc service, ln net.Listener) {
	srv := &http.Server{
		Handler:           dev.handler(svc),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		// Scanners abort TLS handshakes on purpose; their errors are noise.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if svc == svcHTTPS || svc == svcIPPS {
		ln = newTLSListener(ln, dev.tlsConfig)
	}
	f.mu.Lock()
	f.servers = append(f.servers, srv)
	f.mu.Unlock()
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		_ = srv.Serve(ln) // returns on Close
	}()
}

// serveStream accepts connections for a line-based service; each handler
// runs under the fleet's connection set so Close can end it.
func (f *Fleet) serveStream(ln net.Listener, handle func(net.Conn)) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				return
			}
			if !f.track(c) {
				_ = c.Close()
				return
			}
			go func() {
				defer f.wg.Done()
				defer f.untrack(c)
				defer c.Close()
				handle(c)
			}()
		}
	}()
}

// track registers c and counts its goroutine; false once the fleet closes.
func (f *Fleet) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.conns[c] = struct{}{}
	f.wg.Add(1)
	return true
}

func (f *Fleet) untrack(c net.Conn) {
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}
