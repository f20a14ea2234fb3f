package policies

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

// inputFixture is 50 documents from `gen -n 50 -seed 7` (bench/policies/gen).
const inputFixture = "testdata/input/gen-n50-seed7.json"

// fleet builds n varied documents so that every status shows up.
func fleet(n int) []*facts.Device {
	docs := make([]*facts.Device, n)
	for i := range docs {
		addr := fmt.Sprintf("198.51.100.%d", (n-i)%250+1) // reverse order, to test sorting
		docs[i] = device(addr, func(d *facts.Device) {
			d.Identity.DeviceID = "address:" + addr
			switch i % 4 {
			case 0:
				withSNMP(facts.Bool(true), facts.Bool(true))(d)
				openPort(23)(d)
			case 1:
				withSNMP(facts.Bool(false), facts.Bool(false))(d)
			case 2:
				d.Identity.IsPrinter = facts.Bool(false)
			}
		})
	}
	return docs
}

func TestConcurrentEvaluate(t *testing.T) {
	e := loadFixture(t, Options{})
	docs := fleet(16)
	ctx := context.Background()
	want := make([][]Result, len(docs))
	for i, d := range docs {
		rs, err := e.Evaluate(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = rs
	}
	seen := map[Status]bool{}
	for _, rs := range want {
		for _, r := range rs {
			seen[r.Status] = true
		}
	}
	for _, s := range []Status{StatusFail, StatusPass, StatusReview, StatusNotApplicable} {
		if !seen[s] {
			t.Fatalf("fixture fleet never produces %s; the test would prove little", s)
		}
	}

	const goroutines = 32
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range docs {
				i := (k + g) % len(docs)
				rs, err := e.Evaluate(ctx, docs[i])
				if err != nil {
					errs <- err
					return
				}
				if diff := cmp.Diff(want[i], rs); diff != "" {
					errs <- fmt.Errorf("goroutine %d doc %d differs:\n%s", g, i, diff)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEvaluateAll(t *testing.T) {
	e := loadFixture(t, Options{})
	docs := fleet(9)
	all, err := e.EvaluateAll(context.Background(), docs, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(docs)*2 {
		t.Fatalf("%d results, want %d", len(all), len(docs)*2)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if c := facts.CompareAddress(a.Address, b.Address); c > 0 || (c == 0 && a.RuleID >= b.RuleID) {
			t.Fatalf("results out of order at %d: %s/%s before %s/%s", i, a.Address, a.RuleID, b.Address, b.RuleID)
		}
	}
	// Numeric, not lexical, address order: .2 before .10.
	if all[0].Address != "198.51.100.2" {
		t.Errorf("first address %s, want 198.51.100.2", all[0].Address)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.EvaluateAll(ctx, docs, 2); err == nil {
		t.Error("EvaluateAll on a cancelled context succeeded")
	}
	if _, err := e.Evaluate(context.Background(), nil); err == nil {
		t.Error("Evaluate(nil) succeeded")
	}
}

func TestToFinding(t *testing.T) {
	tests := []struct {
		in   any
		want Finding
	}{
		{"plain", Finding{Message: "plain"}},
		{map[string]any{"msg": "m", "fact": "/a", "evidence": map[string]any{"k": "v"}}, Finding{Message: "m", Fact: "/a", Evidence: map[string]any{"k": "v"}}},
		{map[string]any{"message": "m2", "evidence": "scalar"}, Finding{Message: "m2", Evidence: map[string]any{"value": "scalar"}}},
		{map[string]any{"fact": "/b"}, Finding{Message: `{"fact":"/b"}`, Fact: "/b"}},
		{jsonNum("3"), Finding{Message: "3"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, toFinding(tt.in)); diff != "" {
			t.Errorf("toFinding(%v) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// benchFleet loads the built-in catalogue and a fleet of 64 documents and
// turns on allocation reporting.
func benchFleet(b *testing.B) (*Engine, []*facts.Device) {
	b.Helper()
	e, err := Load(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	return e, fleet(64)
}

// BenchmarkEvaluate evaluates the built-in catalogue over a fleet of
// documents, one Evaluate per document, as a scan does.
func BenchmarkEvaluate(b *testing.B) {
	e, docs := benchFleet(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := e.Evaluate(ctx, docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(e.enabled)), "rules")
}

// BenchmarkEvaluateAll is the parallel path over the same fleet.
func BenchmarkEvaluateAll(b *testing.B) {
	e, docs := benchFleet(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := e.EvaluateAll(ctx, docs, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(docs)), "docs/op")
}

// TestEvaluateRuntimeError checks fault isolation: a custom rule that
// conflicts on one device makes only that rule, on that device, review; the
// healthy rules keep their statuses and other devices are untouched.
func TestEvaluateRuntimeError(t *testing.T) {
	ctx := context.Background()
	var (
		mu      sync.Mutex
		reports []RuleError
	)
	opts := Options{
		Policies: []string{"testdata/rules", "testdata/runtime"},
		OnRuleError: func(re RuleError) {
			mu.Lock()
			defer mu.Unlock()
			reports = append(reports, re)
		},
	}
	e := loadFixture(t, opts)
	healthy := loadFixture(t, Options{Policies: []string{"testdata/rules"}})

	withSNMPv1 := func(d *facts.Device) { withSNMP(facts.Bool(true), facts.Bool(false))(d) }
	one := device("192.0.2.1", func(d *facts.Device) { withSNMPv1(d); openPort(23)(d) })
	rs, err := e.Evaluate(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(rs, "TEST-CONFLICT-001"); got != StatusFail {
		t.Fatalf("one port: TEST-CONFLICT-001 is %s, want fail", got)
	}
	if len(reports) != 0 {
		t.Fatalf("healthy device reported rule errors: %v", reports)
	}

	both := device("192.0.2.2", func(d *facts.Device) { withSNMPv1(d); openPort(23)(d); openPort(21)(d) })
	// Several goroutines hit the slow path at once: the per-rule queries
	// are prepared once and shared.
	const goroutines = 4
	got := make([][]Result, goroutines)
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() { got[g], errs[g] = e.Evaluate(ctx, both) })
	}
	wg.Wait()
	for g := range goroutines {
		if errs[g] != nil {
			t.Fatalf("goroutine %d: conflicting rule failed the whole device: %v", g, errs[g])
		}
		if diff := cmp.Diff(got[0], got[g]); diff != "" {
			t.Fatalf("goroutine %d differs:\n%s", g, diff)
		}
	}
	rs = got[0]
	broken := resultFor(t, rs, "TEST-CONFLICT-001")
	if broken.Status != StatusReview || len(broken.Reasons) != 1 {
		t.Fatalf("broken rule: %+v, want review with one reason", broken)
	}
	for _, want := range []string{"TEST-CONFLICT-001", "testdata/runtime/conflict.rego:", "eval_conflict_error"} {
		if !strings.Contains(broken.Reasons[0], want) {
			t.Errorf("reason lacks %q: %s", want, broken.Reasons[0])
		}
	}
	// Every other rule gives what an engine without the broken rule gives.
	want, err := healthy.Evaluate(ctx, both)
	if err != nil {
		t.Fatal(err)
	}
	var others []Result
	for _, r := range rs {
		if r.RuleID != "TEST-CONFLICT-001" {
			others = append(others, r)
		}
	}
	if diff := cmp.Diff(want, others); diff != "" {
		t.Errorf("healthy rules changed by the broken one (-want +got):\n%s", diff)
	}
	if statusOf(others, "TEST-STATUS-001") != StatusFail {
		t.Errorf("TEST-STATUS-001 lost its fail status: %+v", others)
	}

	mu.Lock()
	n := len(reports)
	first := reports[0]
	mu.Unlock()
	if n != goroutines {
		t.Errorf("%d rule errors reported, want %d (one per evaluation)", n, goroutines)
	}
	if first.RuleID != "TEST-CONFLICT-001" || first.Address != "192.0.2.2" || !strings.Contains(first.Location, "conflict.rego:") {
		t.Errorf("rule error %+v", first)
	}
	if !strings.Contains(first.Error(), "TEST-CONFLICT-001") {
		t.Errorf("RuleError.Error() = %q", first.Error())
	}

	// A scan over both devices finishes, and the healthy device still fails
	// the conflict rule normally.
	all, err := e.EvaluateAll(ctx, []*facts.Device{one, both}, 2)
	if err != nil {
		t.Fatalf("EvaluateAll: %v", err)
	}
	if len(all) != 2*len(rs) {
		t.Fatalf("%d results, want %d", len(all), 2*len(rs))
	}
	if all[0].Address != "192.0.2.1" || statusOf(all[:len(rs)], "TEST-CONFLICT-001") != StatusFail {
		t.Errorf("first device: %+v", all[:len(rs)])
	}
}

func statusOf(rs []Result, id string) Status {
	for _, r := range rs {
		if r.RuleID == id {
			return r.Status
		}
	}
	return ""
}
