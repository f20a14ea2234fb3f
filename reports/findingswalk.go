package reports

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/policies"
)

// walkFindings reads a findings.json document from r as a stream: every
// member but results is decoded into the returned Findings, and each result
// is checked and handed to each instead of being kept, so a run of any size
// is read in the memory of one result (each value is bounded by
// maxStreamValue). It refuses what json.Unmarshal into
// Findings plus validateFindings would refuse, and also a member given
// twice (json.Unmarshal would keep the last silently) and data after the
// document.
//
// An error returned by each is passed back wrapped in a *walkStop, so a
// caller tells its own failure (a report it could not write) from a broken
// document.
func walkFindings(ctx context.Context, r io.Reader, each func(i int, res *policies.Result) error) (*Findings, error) {
	budget := newBudget(bufio.NewReaderSize(r, 64<<10))
	dec := json.NewDecoder(budget)
	var f Findings
	seen := map[string]bool{}
	haveVersion := false
	err := objectFields(dec, func(key string) error {
		budget.reset()
		if seen[key] {
			return fmt.Errorf("member %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "schema_version":
			haveVersion = true
			if err := dec.Decode(&f.SchemaVersion); err != nil {
				return err
			}
			return checkFindingsVersion(f.SchemaVersion)
		case "tool":
			return dec.Decode(&f.Tool)
		case "scan":
			return dec.Decode(&f.Scan)
		case "summary":
			return dec.Decode(&f.Summary)
		case "rules":
			return dec.Decode(&f.Rules)
		case "expired_waivers":
			return dec.Decode(&f.ExpiredWaivers)
		case "results":
			return walkResults(ctx, dec, budget, each)
		}
		return skipValue(dec, budget)
	})
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("data after the findings document")
		}
	}
	if err == nil && !haveVersion {
		err = checkFindingsVersion("")
	}
	if err == nil {
		err = validateRules(f.Rules)
	}
	if err != nil {
		var stop *walkStop
		if !errors.As(err, &stop) && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
			err = errors.New("unexpected end of JSON input (the file is cut short)")
		}
		return nil, err
	}
	return &f, nil
}

// walkStop carries an error of walkFindings' caller out of the walk.
type walkStop struct{ err error }

func (w *walkStop) Error() string { return w.err.Error() }
func (w *walkStop) Unwrap() error { return w.err }

func walkResults(ctx context.Context, dec *json.Decoder, budget *budgetReader, each func(i int, res *policies.Result) error) error {
	i := 0
	return arrayElements(dec, func() error {
		budget.reset()
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return &walkStop{err}
			}
		}
		var res policies.Result
		if err := dec.Decode(&res); err != nil {
			return fmt.Errorf("results[%d]: %w", i, err)
		}
		if err := validateResult(i, &res); err != nil {
			return err
		}
		if err := each(i, &res); err != nil {
			return &walkStop{err}
		}
		i++
		return nil
	})
}

// checkFindingsVersion refuses a document that is not a findings.json of
// this schema version.
func checkFindingsVersion(v string) error {
	if v != FindingsSchemaVersion {
		return fmt.Errorf("schema_version %q, want %q (is this an mfpscan findings.json?)", v, FindingsSchemaVersion)
	}
	return nil
}

// validStatuses are the outcomes a result can have.
var validStatuses = policies.Statuses

// validateFindings checks what report writers and diff branch on: a
// hand-edited or foreign findings.json with an unknown status or severity
// would otherwise be counted under no heading, or as a pass.
func validateFindings(f *Findings) error {
	if err := validateRules(f.Rules); err != nil {
		return err
	}
	for i := range f.Results {
		if err := validateResult(i, &f.Results[i]); err != nil {
			return err
		}
	}
	return nil
}

func validateRules(rules []policies.Rule) error {
	for i, r := range rules {
		if r.ID == "" {
			return fmt.Errorf("rules[%d]: no id", i)
		}
		if policies.SeverityRank(r.Severity) == 0 {
			return fmt.Errorf("rules[%d] (%s): severity %q is not one of %s", i, r.ID, r.Severity, strings.Join(policies.Severities, "|"))
		}
	}
	return nil
}

func validateResult(i int, r *policies.Result) error {
	if r.RuleID == "" {
		return fmt.Errorf("results[%d]: no rule_id", i)
	}
	if !slices.Contains(validStatuses, r.Status) {
		return fmt.Errorf("results[%d] (%s): status %q is not one of pass|fail|review|not_applicable|waived", i, r.RuleID, r.Status)
	}
	if policies.SeverityRank(r.Severity) == 0 {
		return fmt.Errorf("results[%d] (%s): severity %q is not one of %s", i, r.RuleID, r.Severity, strings.Join(policies.Severities, "|"))
	}
	return nil
}
