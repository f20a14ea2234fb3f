package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/scanner"
)

// LabOptions configure the simulated fleet.
type LabOptions struct {
	Subnet string
	// PortOffset shifts every port; negative means "real ports when root,
	// 10000 otherwise".
	PortOffset int
	Profiles   []string
}

// nonRootOffset is where the lab moves its ports when it cannot bind the
// real ones: 80 → 10080, 161 → 10161.
const nonRootOffset = 10000

func (o LabOptions) config() (lab.Config, error) {
	prefix, err := netip.ParsePrefix(o.Subnet)
	if err != nil {
		return lab.Config{}, Usagef("parse --subnet %q: %v", o.Subnet, err)
	}
	if !netip.MustParsePrefix("127.0.0.0/8").Contains(prefix.Addr()) || prefix.Bits() < 8 {
		return lab.Config{}, Usagef("--subnet %s must lie inside 127.0.0.0/8: the lab only ever uses loopback", o.Subnet)
	}
	offset := o.PortOffset
	if offset < 0 {
		offset = 0
		if os.Geteuid() != 0 {
			offset = nonRootOffset
		}
	}
	if offset > 65535-47546 {
		return lab.Config{}, Usagef("--port-offset %d moves ports past 65535 (maximum %d)", offset, 65535-47546)
	}
	return lab.Config{Subnet: prefix, PortOffset: offset, Profiles: o.Profiles}, nil
}

// Lab runs the simulated fleet until ctx is cancelled.
func Lab(ctx context.Context, w io.Writer, o LabOptions) error {
	fleet, lc, err := o.start(ctx)
	if err != nil {
		return err
	}
	defer fleet.Close()
	printFleet(w, fleet, lc.PortOffset)
	fmt.Fprintln(w, "\nThe lab runs until interrupted (Ctrl-C). Try:")
	d := fleet.Devices()[0]
	fmt.Fprintf(w, "  curl -si http://%s:%d/ | head\n", d.Addr, 80+lc.PortOffset)
	fmt.Fprintf(w, "  snmpget -v1 -c public %s:%d 1.3.6.1.2.1.1.1.0\n", d.Addr, 161+lc.PortOffset)
	fmt.Fprintf(w, "  sslscan %s:%d\n", d.Addr, 443+lc.PortOffset)
	fmt.Fprintf(w, "  nmap -sT -p %d,%d,%d %s\n", 80+lc.PortOffset, 443+lc.PortOffset, 9100+lc.PortOffset, lc.Subnet)
	<-ctx.Done()
	return nil
}

// start starts the fleet the options describe; the caller closes it.
func (o LabOptions) start(ctx context.Context) (*lab.Fleet, lab.Config, error) {
	lc, err := o.config()
	if err != nil {
		return nil, lab.Config{}, err
	}
	fleet, err := lab.Start(ctx, lc)
	if err != nil {
		if errors.Is(err, syscall.EACCES) || errors.Is(err, os.ErrPermission) {
			return nil, lc, Usagef("start lab: %v (ports below 1024 need root; use --port-offset %d)", err, nonRootOffset)
		}
		return nil, lc, fmt.Errorf("start lab: %w", err)
	}
	return fleet, lc, nil
}

func printFleet(w io.Writer, fleet *lab.Fleet, offset int) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "DEVICE\tADDRESS\tTCP PORTS\tUDP PORTS\tWHAT\n")
	for _, d := range fleet.Devices() {
		var udp []int
		for _, p := range append([]int{d.TFTPPort, d.SNMPPort, d.SLPPort, d.WSDPort}, d.BJNPPorts...) {
			if p != 0 {
				udp = append(udp, p)
			}
		}
		udpText := "-"
		if len(udp) > 0 {
			udpText = joinInts(udp)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Name, d.Addr, joinInts(d.TCPPorts), udpText, d.Description)
	}
	tw.Flush()
	if offset != 0 {
		fmt.Fprintf(w, "(ports shifted by %d)\n", offset)
	}
}

func joinInts(xs []int) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(x)
	}
	return s
}

// Demo starts the lab in-process, scans it and writes the reports.
func Demo(ctx context.Context, cfg Config, o LabOptions) error {
	fleet, lc, err := o.start(ctx)
	if err != nil {
		return err
	}
	defer fleet.Close()
	if w := cfg.textOut(); w != nil {
		fmt.Fprintf(w, "Simulated fleet on %s (loopback only):\n", lc.Subnet)
		printFleet(w, fleet, lc.PortOffset)
		fmt.Fprintln(w)
	}
	roles := collectors.DefaultRoles().Shift(lc.PortOffset)
	cfg.Targets = []string{lc.Subnet.String()}
	cfg.Engine = "native"
	cfg.Roles = roles
	cfg.PortOffset = lc.PortOffset
	cfg.Ports = nil
	for _, p := range scanner.DefaultTCPPorts() {
		cfg.Ports = append(cfg.Ports, p+lc.PortOffset)
	}
	cfg.MaxHosts = 1 << 16
	if cfg.Rate == 0 {
		cfg.Rate = 5000
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 512
	}
	if cfg.PerHost == 0 {
		cfg.PerHost = 8
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.HostDeadline == 0 {
		cfg.HostDeadline = 30 * time.Second
	}
	cfg.Collect.Timeout = cfg.Timeout
	return Scan(ctx, cfg)
}
