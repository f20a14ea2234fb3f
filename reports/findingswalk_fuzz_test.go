package reports

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"bytes"

	"github.com/mfpscan/mfpscan/internal/testfile"
	"github.com/mfpscan/mfpscan/policies"
)

// FuzzWalkFindings: the streaming reader never accepts a document that
// json.Unmarshal plus validateFindings refuse, and what it accepts it reads
// as they do: the same header, the same results in the same order.
func FuzzWalkFindings(f *testing.F) {
	f.Add(testfile.Testdata(f, "reports", "findings.json"))
	f.Add([]byte(`{"schema_version":"` + FindingsSchemaVersion + `","results":null}`))
	f.Add([]byte(`{"schema_version":"` + FindingsSchemaVersion + `","results":[{"rule_id":"R","status":"pass","severity":"low","address":"::1"}],"rules":[{"id":"R","severity":"low"}]}`))
	f.Add([]byte(`{"schema_version":"` + FindingsSchemaVersion + `","tool":{},"tool":{"name":"x"}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var got []policies.Result
		header, err := walkFindings(context.Background(), bytes.NewReader(doc), func(_ int, r *policies.Result) error {
			got = append(got, *r)
			return nil
		})
		var want Findings
		wantErr := json.Unmarshal(doc, &want)
		if wantErr == nil {
			wantErr = checkFindingsVersion(want.SchemaVersion)
		}
		if wantErr == nil {
			wantErr = validateFindings(&want)
		}
		if err != nil {
			return // stricter than encoding/json is allowed
		}
		if wantErr != nil {
			t.Fatalf("accepted a document encoding/json refuses: %v", wantErr)
		}
		results := want.Results
		want.Results = nil
		if !reflect.DeepEqual(*header, want) {
			t.Fatalf("header %+v, encoding/json reads %+v", *header, want)
		}
		if len(got) != len(results) || len(got) > 0 && !reflect.DeepEqual(got, results) {
			t.Fatalf("results %+v, encoding/json reads %+v", got, results)
		}
	})
}
