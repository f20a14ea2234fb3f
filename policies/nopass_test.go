//go:build !race

// The generated no-pass property evaluates hundreds of thousands of fact
// variants: it checks verdicts, not concurrency, so it is left out of the
// race-detector build and scripts/test.sh runs it in a separate step
// without -race.

package policies

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/nopass"
)

// TestNoPassWithoutEvidence is the generated property of issue 12 over
// every facts document in the repository's testdata: deleting any fact
// (or setting it null), or removing a whole area, never turns a fail or a
// review into a pass. The lab profiles' facts get the same check in
// pipeline (TestLabNoPassWithoutEvidence).
func TestNoPassWithoutEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every fact variant of every testdata document")
	}
	e := loadBuiltin(t)
	ctx := context.Background()
	ruleFacts := map[string][]string{}
	for _, r := range e.Rules() {
		ruleFacts[r.ID] = r.Facts
	}
	eval := nopass.EvalWith(ctx, e.EvaluateJSON, func(r Result) (string, string) { return r.RuleID, string(r.Status) })
	docs := testdataFacts(t)
	if len(docs) < 10 {
		t.Fatalf("found %d testdata facts documents, want the generated fixture and the report samples", len(docs))
	}
	total := nopass.CheckAll(t, docs, eval, ruleFacts)
	t.Logf("%d documents, %d rule × variant cases", len(docs), total)
}

// testdataFacts finds every facts document (schema v1, one per file or an
// array of them) in a testdata directory of the repository, except the
// deliberately broken ones under policies/testdata/bad.
func testdataFacts(t *testing.T) map[string][]byte {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root) {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() || !strings.HasSuffix(p, ".json") || !strings.Contains(filepath.ToSlash(rel), "testdata/") ||
			strings.HasPrefix(filepath.ToSlash(rel), "policies/testdata/bad/") {
			return nil
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) == nil {
			if isFactsDoc(one) {
				out[rel] = raw
			}
			return nil
		}
		var many []map[string]json.RawMessage
		if json.Unmarshal(raw, &many) == nil {
			for i, doc := range many {
				if !isFactsDoc(doc) {
					continue
				}
				b, err := json.Marshal(doc)
				if err != nil {
					return err
				}
				out[fmt.Sprintf("%s#%02d", rel, i)] = b
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func isFactsDoc(m map[string]json.RawMessage) bool {
	var v string
	_ = json.Unmarshal(m["schema_version"], &v)
	_, hasAddr := m["address"]
	return v == "1" && hasAddr
}
