package main

import (
	"io/fs"
	"maps"
	"slices"
	"testing"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/internal/porttable"
	"github.com/mfpscan/mfpscan/pipeline"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/scanner"
)

// defaultSweep is what a plain `mfpscan scan TARGET` configures.
func defaultSweep(t *testing.T) pipeline.Config {
	t.Helper()
	var sf sweepFlags
	fs := pflag.NewFlagSet("scan", pflag.ContinueOnError)
	sf.register(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	var cfg pipeline.Config
	if err := sf.apply(&cfg, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestDefaultPortsOneSource: a plain `mfpscan scan` sweeps the port table's
// default set, the same as the engine's default configuration, which the
// benchmarks (bench/cmd/nativesweep) use, and every swept port has the role
// the table gives it.
func TestDefaultPortsOneSource(t *testing.T) {
	cfg := defaultSweep(t)
	table := porttable.DefaultTCP()
	if len(table) == 0 {
		t.Fatal("the port table sweeps no TCP port by default")
	}
	if !slices.Equal(cfg.Ports, table) {
		t.Errorf("CLI default ports %v, port table %v", cfg.Ports, table)
	}
	if got := scanner.DefaultSweepConfig().TCPPorts; !slices.Equal(got, table) {
		t.Errorf("scanner.DefaultSweepConfig ports %v, port table %v", got, table)
	}
	for _, p := range cfg.Ports {
		e, _ := porttable.Lookup(porttable.TCP, p)
		if cfg.Roles.TCP[p] != e.Role {
			t.Errorf("port %d: CLI role %q, port table role %q", p, cfg.Roles.TCP[p], e.Role)
		}
	}
	if cfg.Roles.SNMPPort != 161 {
		t.Errorf("SNMP role on port %d, want 161", cfg.Roles.SNMPPort)
	}
	if !slices.Equal(collectors.DefaultRoles().Ports(), slices.Sorted(maps.Keys(porttable.TCPRoles()))) {
		t.Errorf("collectors.DefaultRoles %v, port table roles %v", collectors.DefaultRoles().Ports(), porttable.TCPRoles())
	}
}

// TestDefaultSweepCoversForbiddenPorts: every TCP port the default
// organisation data forbids is swept by default; otherwise MFP-SVC-010
// could only answer review ("not in the scanned port list") on every device.
func TestDefaultSweepCoversForbiddenPorts(t *testing.T) {
	raw, err := fs.ReadFile(policies.BuiltinFS, "data/defaults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Mfpscan struct {
			Config struct {
				Forbidden []struct {
					Port     int    `yaml:"port"`
					Protocol string `yaml:"protocol"`
				} `yaml:"forbidden_ports"`
			} `yaml:"config"`
		} `yaml:"mfpscan"`
	}
	if err := yaml.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	ports := defaultSweep(t).Ports
	tcp := 0
	for _, f := range data.Mfpscan.Config.Forbidden {
		if f.Protocol != "tcp" {
			continue
		}
		tcp++
		if !slices.Contains(ports, f.Port) {
			t.Errorf("forbidden port %d/tcp is not in the default sweep %v", f.Port, ports)
		}
	}
	if tcp == 0 {
		t.Fatal("no forbidden TCP port read from data/defaults.yaml")
	}
}
