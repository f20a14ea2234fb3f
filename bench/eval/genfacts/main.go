// Command genfacts writes N facts files for the eval benchmark
// (bench/eval/run.sh): copies of the seed documents (the demo's devices)
// given distinct addresses from the benchmarking range 198.18.0.0/15
// (RFC 2544) and distinct device ids, so `mfpscan eval` accepts them all.
// Nothing is ever contacted; the addresses only name files.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"

	"github.com/mfpscan/mfpscan/facts"
)

func main() {
	n := flag.Int("n", 10000, "number of facts files")
	seed := flag.String("seed", "", "directory of seed facts files (*.json)")
	out := flag.String("o", "", "output directory")
	flag.Parse()
	if err := run(*n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genfacts:", err)
		os.Exit(1)
	}
}

func run(n int, seedDir, out string) error {
	if n < 1 || n > 1<<17 {
		return fmt.Errorf("check -n: %d is not in 1..%d", n, 1<<17)
	}
	if seedDir == "" || out == "" {
		return fmt.Errorf("check flags: -seed and -o are required")
	}
	files, err := filepath.Glob(filepath.Join(seedDir, "*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("read seed: no *.json in %s", seedDir)
	}
	slices.Sort(files)
	seeds := make([]facts.Device, len(files))
	for i, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read seed: %w", err)
		}
		if err := json.Unmarshal(raw, &seeds[i]); err != nil {
			return fmt.Errorf("decode seed %s: %w", f, err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	base := netip.MustParseAddr("198.18.0.0").As4()
	for i := range n {
		d := seeds[i%len(seeds)]
		a := base
		a[1] += byte(i >> 16)
		a[2], a[3] = byte(i>>8), byte(i)
		d.Address = netip.AddrFrom4(a).String()
		d.Identity.DeviceID = fmt.Sprintf("address:%s", d.Address)
		raw, err := json.MarshalIndent(&d, "", "  ")
		if err != nil {
			return fmt.Errorf("encode document %d: %w", i, err)
		}
		name := filepath.Join(out, fmt.Sprintf("%s.json", d.Address))
		if err := os.WriteFile(name, append(raw, '\n'), 0o644); err != nil {
			return fmt.Errorf("write document %d: %w", i, err)
		}
	}
	return nil
}
