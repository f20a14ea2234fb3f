package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// The whole run read into memory, as report --from read it before it
// streamed: the oracle the streamed reader is checked against.

// loadRunWhole rebuilds a Run from a report directory: findings.json gives the
// scan, rules, results and expired waivers; facts/*.json the devices.
func loadRunWhole(ctx context.Context, dir string) (*Run, error) {
	f, err := LoadFindings(dir)
	if err != nil {
		return nil, err
	}
	devs, err := loadFactsDir(ctx, filepath.Join(dir, "facts"))
	if err != nil {
		return nil, err
	}
	return &Run{
		Scan:           f.Scan,
		Devices:        devs,
		Rules:          f.Rules,
		Results:        f.Results,
		ExpiredWaivers: f.ExpiredWaivers,
	}, nil
}

// loadFactsDir reads every *.json under dir; a missing directory means a
// run that found no devices.
func loadFactsDir(ctx context.Context, dir string) ([]*facts.Device, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, badInput("read facts directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			names = append(names, e.Name())
		}
	}
	if len(names) > maxSourceFacts {
		return nil, badInput("read facts directory %s: more than %d files", dir, maxSourceFacts)
	}
	sort.Strings(names)
	v, err := facts.NewValidator()
	if err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	seen := map[string]string{}
	devs := make([]*facts.Device, 0, len(names))
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read facts: %w", err)
		}
		path := filepath.Join(dir, n)
		raw, err := readCapped(path, maxFactsFileSize)
		if err != nil {
			return nil, err
		}
		if err := v.Validate(raw); err != nil {
			return nil, badInput("read facts %s: %w", path, err)
		}
		var d facts.Device
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, badInput("read facts %s: %w", path, err)
		}
		if prev, dup := seen[d.Address]; dup {
			return nil, badInput("read facts %s: device %s already read from %s", path, d.Address, prev)
		}
		seen[d.Address] = n
		devs = append(devs, &d)
	}
	return devs, nil
}
