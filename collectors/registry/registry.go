// Package registry is the one place that lists the collectors and analysers
// a scan runs. Adding a collector is one line here plus its own package.
//
// It lives in its own package rather than in package collectors because
// every collector package imports collectors for the contract types; the
// list in collectors itself would be an import cycle.
package registry

import (
	"fmt"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/advisories"
	"github.com/mfpscan/mfpscan/collectors/banner"
	"github.com/mfpscan/mfpscan/collectors/creds"
	"github.com/mfpscan/mfpscan/collectors/fingerprint"
	"github.com/mfpscan/mfpscan/collectors/httpui"
	"github.com/mfpscan/mfpscan/collectors/ipp"
	"github.com/mfpscan/mfpscan/collectors/snmp"
	"github.com/mfpscan/mfpscan/collectors/tlsscan"
)

// Default returns the protocol collectors (run concurrently) and the
// analysers (run in this order on the merged document). Opt-in checks decide
// for themselves from opts: the credentials analyser records "skipped" when
// the operator did not opt in, so the report says why nothing was tried.
func Default(opts collectors.Options) ([]collectors.Collector, []collectors.Analyser) {
	cs := []collectors.Collector{
		snmp.New(),
		httpui.New(),
		tlsscan.New(),
		ipp.New(),
		banner.New(),
	}
	as := []collectors.Analyser{
		fingerprint.New(),                         // identity fusion first: the others read the model
		httpui.NewRemoteUIAnalyser(),              // Remote UI fused over its HTTP ports
		advisories.NewFromFile(opts.AdvisoryData), // needs model and firmware from fusion
		creds.New(),                               // needs the login forms httpui found; opt-in
	}
	return cs, as
}

// Names lists the collector and analyser names of Default, for --help and
// for checking that names are unique.
func Names(opts collectors.Options) ([]string, error) {
	cs, as := Default(opts)
	seen := map[string]bool{}
	var out []string
	add := func(name string) error {
		if seen[name] {
			return fmt.Errorf("register %q: duplicate name", name)
		}
		seen[name] = true
		out = append(out, name)
		return nil
	}
	for _, c := range cs {
		if err := add(c.Name()); err != nil {
			return nil, err
		}
	}
	for _, a := range as {
		if err := add(a.Name()); err != nil {
			return nil, err
		}
	}
	return out, nil
}
