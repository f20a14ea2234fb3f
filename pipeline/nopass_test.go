//go:build !race

// The generated no-pass property evaluates hundreds of thousands of fact
// variants: it checks verdicts, not concurrency, so it is left out of the
// race-detector build (where it would run for most of an hour) and
// scripts/test.sh runs it in a separate step without -race.

package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfpscan/mfpscan/internal/nopass"
	"github.com/mfpscan/mfpscan/policies"
)

// TestLabNoPassWithoutEvidence runs the generated property of issue 12
// (internal/nopass) over the facts every lab profile produces in a live
// scan: deleting any fact, or removing an area, never turns a fail or a
// review into a pass.
func TestLabNoPassWithoutEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every fact variant of every lab device")
	}
	_, cfg := scanTestLab(t)
	out := cfg.OutDir
	ctx := context.Background()
	e, err := policies.Load(ctx, policies.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ruleFacts := map[string][]string{}
	for _, r := range e.Rules() {
		ruleFacts[r.ID] = r.Facts
	}
	eval := nopass.EvalWith(ctx, e.EvaluateJSON, func(r policies.Result) (string, string) { return r.RuleID, string(r.Status) })
	files, err := filepath.Glob(filepath.Join(out, "facts", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("facts files %v (%v), want one per lab profile", files, err)
	}
	docs := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = raw
	}
	nopass.CheckAll(t, docs, eval, ruleFacts)
}
