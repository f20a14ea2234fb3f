package policies

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
)

// inputFixture is 50 documents from `gen -n 50 -seed 7` (bench/policies/gen).
const inputFixture = "testdata/input/gen-n50-seed7.json"

func loadDocs(t testing.TB, path string) []*facts.Device {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read documents: %v", err)
	}
	var docs []*facts.Device
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatalf("decode documents: %v", err)
	}
	if len(docs) == 0 {
		t.Fatalf("%s holds no documents", path)
	}
	return docs
}
