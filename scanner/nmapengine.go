package scanner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Ullaakut/nmap/v3"

	"github.com/mfpscan/mfpscan/facts"
)

// nmapChunk is how many CIDR prefixes one nmap run gets on its command
// line: small enough for any argv limit, large enough that a /16 written as
// one prefix is a single run.
const nmapChunk = 256

// Nmap runs the nmap binary and reads its XML output through
// github.com/Ullaakut/nmap/v3. Results per host match the native engine.
type Nmap struct {
	// Binary is the nmap path; "" looks "nmap" up in PATH.
	Binary string
	// Args are extra arguments for experts, checked by CheckNmapArgs.
	Args []string
	// Root overrides the privilege check (tests); nil asks os.Geteuid.
	Root *bool
}

// Name is the --engine value.
func (e *Nmap) Name() string { return "nmap" }

// Expert arguments refused in Args: they write files, read target lists,
// run scripts, spoof sources or send payloads, all of which the scanner must
// control. Version detection is refused too: its probes write to print ports
// (nmap-service-probes sends an LPD "print waiting jobs" command to 515, and
// --allports lifts nmap's own 9100-9107 exclusion), which the read-only rule
// forbids; the collectors identify services instead. Prefixes also catch
// attached values ("-oX", "--script=x", "--version-intensity=9").
var (
	deniedNmapPrefixes = []string{
		"-o", "-iL", "-iR", "-D", "-S", "-b", "--script", "--resume", "--datadir",
		"--stylesheet", "--excludefile", "--exclude", "--append-output", "--data",
		"--servicedb", "--versiondb", "--proxies", "--log-errors",
		"-sV", "-sR", "--version", "--allports",
	}
	deniedNmapExact = []string{"-A", "-sC"}
)

// CheckNmapArgs rejects expert arguments that are not flags (a bare word
// would be another target) or that the deny-list names. Flag values must be
// attached: "-T4", "--max-rate=100".
func CheckNmapArgs(args []string) error {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return fmt.Errorf("check nmap argument %q: not a flag; attach values as --flag=value", a)
		}
		name, _, _ := strings.Cut(a, "=")
		// nmap reads "-sSV" as -sS plus -sV, so a scan-type cluster is
		// denied when any of its letters is.
		denied := slices.Contains(deniedNmapExact, name) ||
			(strings.HasPrefix(name, "-s") && strings.ContainsAny(name[2:], "VCR"))
		for _, d := range deniedNmapPrefixes {
			denied = denied || strings.HasPrefix(name, d)
		}
		if denied {
			return fmt.Errorf("check nmap argument %q: not allowed (the scanner controls output, targets and scripts)", a)
		}
	}
	return nil
}

// Sweep implements Engine. IPv4 and IPv6 prefixes run separately (nmap needs
// -6), in chunks; hosts are emitted when their chunk's run ends.
func (e *Nmap) Sweep(ctx context.Context, targets *TargetSet, cfg SweepConfig, emit func(HostResult)) error {
	cfg = cfg.withDefaults()
	if _, err := buildProbes(cfg); err != nil {
		return err
	}
	if err := CheckNmapArgs(e.Args); err != nil {
		return err
	}
	bin := e.Binary
	if bin == "" {
		p, err := exec.LookPath("nmap")
		if err != nil {
			return errors.New("nmap not found in PATH: install it (Debian: apt-get install nmap) or use --engine native")
		}
		bin = p
	}
	var v4, v6 []netip.Prefix
	for _, p := range targets.Prefixes() {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	var done uint64
	found := 0
	for _, group := range [][]netip.Prefix{v4, v6} {
		for chunk := range slices.Chunk(group, nmapChunk) {
			start := time.Now()
			run, err := e.run(ctx, bin, chunk, cfg)
			if err != nil {
				return err
			}
			for _, r := range nmapResults(run, cfg) {
				r.Duration = time.Since(start)
				found++
				emit(r)
			}
			for _, p := range chunk {
				done = addSat(done, prefixSpan(p).size())
			}
			if cfg.Progress != nil {
				cfg.Progress(done, targets.Count(), found)
			}
		}
	}
	return nil
}

func (e *Nmap) isRoot() bool {
	if e.Root != nil {
		return *e.Root
	}
	return os.Geteuid() == 0
}

// nmapOptions builds the command line for one chunk; the library adds -oX.
func (e *Nmap) nmapOptions(chunk []netip.Prefix, cfg SweepConfig) []nmap.Option {
	var ports []string
	for _, p := range cfg.TCPPorts {
		ports = append(ports, "T:"+strconv.Itoa(p))
	}
	opts := []nmap.Option{nmap.WithSkipHostDiscovery(), nmap.WithDisabledDNSResolution()}
	if e.isRoot() {
		opts = append(opts, nmap.WithSYNScan())
		// UDP scanning needs raw sockets; without root only TCP is swept.
		for _, u := range cfg.UDPProbes {
			ports = append(ports, "U:"+strconv.Itoa(u.Port))
		}
		if len(cfg.UDPProbes) > 0 {
			opts = append(opts, nmap.WithUDPScan())
		}
	} else {
		opts = append(opts, nmap.WithConnectScan())
	}
	if len(chunk) > 0 && !chunk[0].Addr().Is4() {
		opts = append(opts, nmap.WithIPv6Scanning())
	}
	opts = append(opts, nmap.WithPorts(ports...),
		nmap.WithMaxRetries(cfg.Retries),
		nmap.WithMaxRTTTimeout(cfg.Timeout),
		nmap.WithHostTimeout(cfg.HostDeadline),
		nmap.WithMaxParallelism(cfg.Concurrency))
	if cfg.Rate > 0 {
		opts = append(opts, nmap.WithMaxRate(max(1, int(cfg.Rate))))
	}
	if len(e.Args) > 0 {
		// Expert arguments have no typed option; CheckNmapArgs vetted them.
		opts = append(opts, nmap.WithCustomArguments(e.Args...)) //lint:ignore SA1019 free-form by design
	}
	targets := make([]string, len(chunk))
	for i, p := range chunk {
		targets[i] = p.String()
	}
	return append(opts, nmap.WithTargets(targets...))
}

func (e *Nmap) run(ctx context.Context, bin string, chunk []netip.Prefix, cfg SweepConfig) (*nmap.Run, error) {
	opts := append([]nmap.Option{nmap.WithBinaryPath(bin)}, e.nmapOptions(chunk, cfg)...)
	s, err := nmap.NewScanner(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("start nmap: %w", err)
	}
	run, warnings, err := s.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		detail := ""
		if warnings != nil && len(*warnings) > 0 {
			detail = ": " + strings.Join(*warnings, "; ")
		}
		return nil, fmt.Errorf("run nmap: %w%s", err, detail)
	}
	return run, nil
}

// nmapResults converts nmap's parsed XML into host results: open ports
// always, closed and filtered only with emitAll; "open|filtered" (a UDP
// port that did not answer) counts as filtered, as in the native engine.
func nmapResults(run *nmap.Run, cfg SweepConfig) []HostResult {
	emitAll := cfg.EmitAll
	udpService := map[int]string{}
	for _, u := range cfg.UDPProbes {
		udpService[u.Port] = u.portService()
	}
	var out []HostResult
	for _, h := range run.Hosts {
		var addr netip.Addr
		for _, a := range h.Addresses {
			if a.AddrType == "ipv4" || a.AddrType == "ipv6" {
				if p, err := netip.ParseAddr(a.Addr); err == nil {
					addr = p.Unmap()
				}
			}
		}
		if !addr.IsValid() {
			continue
		}
		r := HostResult{Addr: addr}
		open := false
		for _, p := range h.Ports {
			state := p.State.State
			if state == "open|filtered" {
				state = "filtered"
			}
			if state != "open" && (!emitAll || (state != "closed" && state != "filtered")) {
				continue
			}
			open = open || state == "open"
			service := ServiceName(p.Protocol, int(p.ID))
			if p.Protocol == "udp" {
				service = cmp.Or(udpService[int(p.ID)], service)
			}
			r.Ports = append(r.Ports, facts.Port{Port: int(p.ID), Protocol: p.Protocol, State: state, Service: service})
		}
		if h.TimedOut {
			r.Err = ErrHostDeadline
		}
		if open || emitAll {
			slices.SortFunc(r.Ports, func(a, b facts.Port) int {
				return cmp.Or(cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
			})
			out = append(out, r)
		}
	}
	return out
}
