// Command benchlab runs the simulated MFP fleet of every network benchmark
// (bench/discovery, bench/collect): N devices on consecutive loopback
// addresses from .10, their profiles taken in turn from -profiles. Once every
// listener accepts it writes the ground truth (package bench/internal/labtruth)
// and, with -targets, the live addresses one per line (for nmap -iL). It runs
// until SIGTERM or SIGINT.
//
// The truth file appears only after lab.Start returned and after the
// targets file, so a script polls for it instead of sleeping.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/mfpscan/mfpscan/bench/internal/cli"
	"github.com/mfpscan/mfpscan/bench/internal/labtruth"
	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/reports"
)

func main() { os.Exit(cli.Main("benchlab", run)) }

// run serves the fleet until ctx ends.
func run(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := cli.Flags("benchlab", stderr)
	subnet := fs.String("subnet", "127.88.0.0/24", "loopback subnet; devices take .10 upwards")
	devices := fs.Int("devices", 32, "number of simulated devices")
	profileList := fs.String("profiles", strings.Join(lab.ProfileNames(), ","), "comma-separated lab profiles, given to the devices in turn")
	offset := fs.Int("port-offset", 0, "added to every port (0 = real ports, needs root)")
	truthPath := fs.String("truth", "", "write the ground truth JSON here (required)")
	targetsPath := fs.String("targets", "", "also write the live addresses here, one per line")
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *truthPath == "" {
		return errors.New("parse flags: -truth is required")
	}
	if *devices < 1 || *devices > 4096 {
		return fmt.Errorf("parse flags: -devices %d out of range 1-4096", *devices)
	}
	cycle := strings.Split(*profileList, ",")
	prefix, err := netip.ParsePrefix(*subnet)
	if err != nil {
		return fmt.Errorf("parse subnet: %w", err)
	}

	profiles := make([]string, *devices)
	for i := range profiles {
		profiles[i] = strings.TrimSpace(cycle[i%len(cycle)])
	}
	fleet, err := lab.Start(ctx, lab.Config{Subnet: prefix, PortOffset: *offset, Profiles: profiles})
	if err != nil {
		return fmt.Errorf("start lab: %w", err)
	}
	defer fleet.Close()

	t := labtruth.Truth{Subnet: prefix.Masked().String(), Profiles: cycle}
	var targets strings.Builder
	ports := 0
	for _, d := range fleet.Devices() {
		t.Devices = append(t.Devices, labtruth.Device{Address: d.Addr.String(), Profile: d.Profile, TCPPorts: d.TCPPorts, SNMP: d.SNMPPort != 0})
		targets.WriteString(d.Addr.String() + "\n")
		ports += len(d.TCPPorts)
	}
	if *targetsPath != "" {
		if err := reports.WriteFileAtomic(*targetsPath, func(w io.Writer) error {
			_, err := io.WriteString(w, targets.String())
			return err
		}); err != nil {
			return err
		}
	}
	if err := labtruth.Write(*truthPath, t); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "benchlab: %d devices (%s) on %s-%s, %d open TCP ports\n", len(t.Devices),
		strings.Join(cycle, ", "), t.Devices[0].Address, t.Devices[len(t.Devices)-1].Address, ports)
	<-ctx.Done()
	if err := fleet.Close(); err != nil {
		return fmt.Errorf("stop lab: %w", err)
	}
	return nil
}
