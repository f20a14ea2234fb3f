package policies

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// slowRule loops over nine million pairs: seconds in either evaluator,
// with little memory.
const slowRule = `deny contains "never" if {
	some i in numbers.range(1, 3000)
	some j in numbers.range(1, 3000)
	i * j == -1
}
`

// budgetRules writes a slow rule and a quick failing one side by side.
func budgetRules(t *testing.T, slow string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"slow.rego":  strings.Replace(sandboxMeta, "ORG-SANDBOX-001", "ORG-SLOW-001", 1) + "package org.slow\n\n" + slow,
		"quick.rego": strings.Replace(sandboxMeta, "ORG-SANDBOX-001", "ORG-QUICK-001", 1) + "package org.quick\n\ndeny contains \"quick\" if input.address\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSlowRuleGivesReview: a rule over the device's time budget gives
// review with the reason in both evaluators; the other rules keep their
// results.
func TestSlowRuleGivesReview(t *testing.T) {
	dir := budgetRules(t, slowRule)
	for _, ev := range []string{EvaluatorTopdown, EvaluatorCompiled} {
		t.Run(ev, func(t *testing.T) {
			e, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{dir}, Evaluator: ev, DeviceBudget: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			rs, err := e.Evaluate(context.Background(), device("192.0.2.1", nil))
			if err != nil {
				t.Fatal(err)
			}
			// Generous: three budgets at most, on a busy machine.
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("evaluation took %v with a 200ms budget", d)
			}
			slow, quick := resultFor(t, rs, "ORG-SLOW-001"), resultFor(t, rs, "ORG-QUICK-001")
			if slow.Status != StatusReview || !strings.Contains(strings.Join(slow.Reasons, " "), "time budget exceeded") {
				t.Errorf("slow rule = %s %q, want review over the time budget", slow.Status, slow.Reasons)
			}
			if quick.Status != StatusFail {
				t.Errorf("quick rule = %s, want fail", quick.Status)
			}
		})
	}
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestMemoryBudgetStopsDevice: a rule building a huge value is stopped when
// the heap passes the memory budget; the device gives review, the batch
// goes on.
func TestMemoryBudgetStopsDevice(t *testing.T) {
	dir := budgetRules(t, `deny contains "huge" if {
	xs := [{"n": x, "s": sprintf("%d", [x])} | some x in numbers.range(1, 3000000)]
	count(xs) == -1
}
`)
	budget := int64(heapBytes()) + 128<<20
	e, err := Load(context.Background(), Options{NoBuiltin: true, Policies: []string{dir}, Evaluator: EvaluatorTopdown,
		DeviceBudget: time.Minute, MemoryBudget: budget})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.EvaluateAll(context.Background(), fleet(2), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 {
		t.Fatalf("%d results, want 4", len(rs))
	}
	for _, r := range rs {
		if r.Status != StatusReview || !strings.Contains(strings.Join(r.Reasons, " "), "memory budget") {
			t.Errorf("%s on %s = %s %q, want review over the memory budget", r.RuleID, r.Address, r.Status, r.Reasons)
		}
	}
}

// TestInterruptWritesWhatWasDecided: when the context ends, EvaluateAll
// returns the devices decided, review for the others, and ErrIncomplete.
func TestInterruptWritesWhatWasDecided(t *testing.T) {
	e := loadFixture(t, Options{Policies: []string{"testdata/single/telnet.rego"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rs, err := e.EvaluateAll(ctx, fleet(3), 1)
	if !errors.Is(err, ErrIncomplete) || !errors.Is(err, context.Canceled) {
		t.Fatalf("EvaluateAll = %v, want ErrIncomplete and context.Canceled", err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d results, want one per device (3)", len(rs))
	}
	for _, r := range rs {
		if r.Status != StatusReview || !strings.Contains(strings.Join(r.Reasons, " "), "interrupted") {
			t.Errorf("%s = %s %q, want review (interrupted)", r.Address, r.Status, r.Reasons)
		}
	}
}
