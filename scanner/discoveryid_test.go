package scanner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

func hintMap(hs []facts.IdentityHint) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		if h.Confidence != facts.ConfidenceLow {
			out[h.Field] = "confidence " + string(h.Confidence)
			continue
		}
		out[h.Field] = h.Value
	}
	return out
}

// Replies rebuilt from the specifications (testdata/wsd/README.md,
// testdata/slp/README.md), not captured.
func TestDiscoveryHints(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []facts.IdentityHint
		want map[string]string
	}{
		{"wsd printer with scanner", WSDHints(readFixture(t, "wsd", "probematches-2005.xml"), "wsd:3702"), map[string]string{"printer": "true", "mfp": "true"}},
		{"wsd print and scan endpoints", WSDHints(readFixture(t, "wsd", "probematches-2009.xml"), "wsd:3702"), map[string]string{"printer": "true", "mfp": "true"}},
		{"wsd onvif camera", WSDHints(readFixture(t, "wsd", "probematches-onvif-camera.xml"), "wsd:3702"), map[string]string{"not_printer": "true", "model": "EC-2431 T", "vendor": "ExampleCam"}},
		{"wsd no match", WSDHints(readFixture(t, "wsd", "probematches-empty.xml"), "wsd:3702"), map[string]string{}},
		{"wsd hello", WSDHints(readFixture(t, "wsd", "hello.xml"), "wsd:3702"), map[string]string{}},
		{"wsd fault", WSDHints(readFixture(t, "wsd", "fault-addressing.xml"), "wsd:3702"), map[string]string{}},
		{"slp printer url", SLPHints(readFixture(t, "slp", "srvrply-printer.bin"), "slp:427"), map[string]string{"printer": "true"}},
		{"slp no url", SLPHints(readFixture(t, "slp", "srvrply-empty.bin"), "slp:427"), map[string]string{}},
		{"slp scope error", SLPHints(readFixture(t, "slp", "srvrply-scope-error.bin"), "slp:427"), map[string]string{}},
		{"slp directory agent", SLPHints(readFixture(t, "slp", "daadvert.bin"), "slp:427"), map[string]string{}},
		{"slp our own request", SLPHints(readFixture(t, "slp", "request-srvrqst.bin"), "slp:427"), map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, hintMap(tc.got)); diff != "" {
				t.Errorf("hints (-want +got):\n%s", diff)
			}
			for _, h := range tc.got {
				if h.Source != "wsd:3702" && h.Source != "slp:427" {
					t.Errorf("hint source %q", h.Source)
				}
			}
		})
	}
}

func FuzzWSDHints(f *testing.F) {
	addDiscoverySeeds(f, "wsd")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range WSDHints(b, "wsd:3702") {
			if h.Confidence != facts.ConfidenceLow || h.Value == "" || len(h.Value) > 128 {
				t.Fatalf("hint %+v", h)
			}
		}
	})
}

func FuzzSLPHints(f *testing.F) {
	addDiscoverySeeds(f, "slp")
	f.Fuzz(func(t *testing.T, b []byte) {
		hs := SLPHints(b, "slp:427")
		if len(hs) > 1 || (len(hs) == 1 && (hs[0].Field != "printer" || hs[0].Confidence != facts.ConfidenceLow)) {
			t.Fatalf("hints %+v", hs)
		}
	})
}
