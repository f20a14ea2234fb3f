// Command collectlab runs the simulated fleet of the collection benchmark
// (bench/collect/run.sh): N devices cycling through the lab's default
// profiles (never the hostile ones) on consecutive loopback addresses. Once
// every listener accepts, it writes the live addresses as a targets file (one
// per line, for nmap -iL) and a JSON truth naming each device's profile. It
// runs until SIGTERM or SIGINT.
//
// benchlab (bench/cmd/benchlab) serves one profile only; collection must be
// measured on the mixed fleet, whose profiles exercise different collectors.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mfpscan/mfpscan/lab"
)

// truth is what the benchmark compares the tools' outputs with.
type truth struct {
	Subnet   string   `json:"subnet"`
	Profiles []string `json:"profiles"` // the profile cycle
	Devices  []device `json:"devices"`  // in address order
}

type device struct {
	Address  string `json:"address"`
	Profile  string `json:"profile"`
	TCPPorts []int  `json:"tcp_ports"`
	SNMP     bool   `json:"snmp"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "collectlab:", err)
		os.Exit(1)
	}
}

// run serves the fleet until ctx ends.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("collectlab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	subnet := fs.String("subnet", "127.90.0.0/23", "loopback subnet; devices take .10 upwards")
	devices := fs.Int("devices", 256, "number of simulated devices")
	offset := fs.Int("port-offset", 0, "added to every port (0 = real ports, needs root)")
	truthPath := fs.String("truth", "", "write the truth JSON here (required)")
	targetsPath := fs.String("targets", "", "write the live addresses here, one per line (required)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	if *truthPath == "" || *targetsPath == "" {
		return errors.New("parse flags: -truth and -targets are required")
	}
	if *devices < 1 || *devices > 4096 {
		return fmt.Errorf("parse flags: -devices %d out of range 1-4096", *devices)
	}
	prefix, err := netip.ParsePrefix(*subnet)
	if err != nil {
		return fmt.Errorf("parse subnet: %w", err)
	}

	cycle := lab.ProfileNames()
	profiles := make([]string, *devices)
	for i := range profiles {
		profiles[i] = cycle[i%len(cycle)]
	}
	fleet, err := lab.Start(ctx, lab.Config{Subnet: prefix, PortOffset: *offset, Profiles: profiles})
	if err != nil {
		return fmt.Errorf("start lab: %w", err)
	}
	defer fleet.Close()

	t := truth{Subnet: prefix.Masked().String(), Profiles: cycle}
	var targets strings.Builder
	for _, d := range fleet.Devices() {
		t.Devices = append(t.Devices, device{Address: d.Addr.String(), Profile: d.Profile, TCPPorts: d.TCPPorts, SNMP: d.SNMPPort != 0})
		targets.WriteString(d.Addr.String() + "\n")
	}
	// The targets file first: the script polls for the truth file, so both
	// exist once it appears.
	if err := writeAtomic(*targetsPath, []byte(targets.String())); err != nil {
		return err
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encode truth: %w", err)
	}
	if err := writeAtomic(*truthPath, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "collectlab: %d devices (%s) on %s-%s\n",
		len(t.Devices), strings.Join(cycle, ", "), t.Devices[0].Address, t.Devices[len(t.Devices)-1].Address)
	<-ctx.Done()
	if err := fleet.Close(); err != nil {
		return fmt.Errorf("stop lab: %w", err)
	}
	return nil
}

// writeAtomic renames a finished temp file into place, so a poller never
// reads half a file.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".collectlab-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}
