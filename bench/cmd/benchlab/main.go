// Command benchlab runs the simulated MFP fleet for the discovery benchmark
// (bench/discovery.sh): N copies of one lab profile on consecutive loopback
// addresses, with the ground truth of open TCP ports written as JSON once
// every listener accepts connections. It runs until SIGTERM or SIGINT.
//
// The truth file appears only after lab.Start returned, so a script can poll
// for it instead of sleeping.
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
	"syscall"

	"github.com/mfpscan/mfpscan/lab"
)

// truth is the ground truth the benchmark compares every tool against.
type truth struct {
	Profile   string     `json:"profile"`
	Subnet    string     `json:"subnet"`
	Live      []string   `json:"live"`       // device addresses, in order
	OpenPorts []openPort `json:"open_ports"` // every (address, TCP port) that accepts connections
}

type openPort struct {
	Address string `json:"address"`
	Port    int    `json:"port"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchlab:", err)
		os.Exit(1)
	}
}

// run serves the fleet until ctx ends.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchlab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	subnet := fs.String("subnet", "127.88.0.0/24", "loopback subnet; devices take .10 upwards")
	devices := fs.Int("devices", 32, "number of simulated devices")
	profile := fs.String("profile", lab.ProfileFactory, "lab profile of every device")
	offset := fs.Int("port-offset", 0, "added to every port (0 = real ports, needs root)")
	out := fs.String("truth", "", "write the ground truth JSON here (required)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	if *out == "" {
		return errors.New("parse flags: -truth is required")
	}
	if *devices < 1 || *devices > 4096 {
		return fmt.Errorf("parse flags: -devices %d out of range 1-4096", *devices)
	}
	prefix, err := netip.ParsePrefix(*subnet)
	if err != nil {
		return fmt.Errorf("parse subnet: %w", err)
	}

	profiles := make([]string, *devices)
	for i := range profiles {
		profiles[i] = *profile
	}
	fleet, err := lab.Start(ctx, lab.Config{Subnet: prefix, PortOffset: *offset, Profiles: profiles})
	if err != nil {
		return fmt.Errorf("start lab: %w", err)
	}
	defer fleet.Close()

	t := truth{Profile: *profile, Subnet: prefix.Masked().String()}
	for _, d := range fleet.Devices() {
		t.Live = append(t.Live, d.Addr.String())
		for _, p := range d.TCPPorts {
			t.OpenPorts = append(t.OpenPorts, openPort{Address: d.Addr.String(), Port: p})
		}
	}
	if err := writeAtomic(*out, t); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "benchlab: %d devices (%s) on %s-%s, %d open TCP ports\n",
		len(t.Live), *profile, t.Live[0], t.Live[len(t.Live)-1], len(t.OpenPorts))
	<-ctx.Done()
	if err := fleet.Close(); err != nil {
		return fmt.Errorf("stop lab: %w", err)
	}
	return nil
}

// writeAtomic renames a finished temp file into place, so a poller never
// reads half a document.
func writeAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode truth: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".truth-*")
	if err != nil {
		return fmt.Errorf("create truth file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write truth file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close truth file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename truth file: %w", err)
	}
	return nil
}
