package fingerprint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/facts"
)

// The reply fields are those nmap's scripts/bjnp-discover.nse documents for
// a PIXMA MG5200 (reference: canon-mfp-facts.md §5), rebuilt, not captured.
func TestBJNPHints(t *testing.T) {
	got := BJNPHints(map[string]string{"MFG": "Canon", "MDL": "MG5200 series", "DES": "Canon MG5200 series",
		"VER": "1.050", "CMD": "BJL,BJRaster3,BSCCe,NCCe,IVEC,IVECPLI"}, "bjnp:8611")
	want := []facts.IdentityHint{
		{Field: "vendor", Value: "Canon", Source: "bjnp:8611", Confidence: facts.ConfidenceHigh},
		{Field: "model", Value: "MG5200 series", Source: "bjnp:8611", Confidence: facts.ConfidenceHigh},
		{Field: "firmware", Value: "1.050", Source: "bjnp:8611", Confidence: facts.ConfidenceMedium},
		{Field: "printer", Value: "true", Source: "bjnp:8611", Confidence: facts.ConfidenceHigh},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hints (-want +got):\n%s", diff)
	}
	doc := &facts.Device{Identity: facts.Identity{Sources: got}}
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	Fuse(db, doc)
	if val(doc.Identity.Model) != "MG5200" || val(doc.Identity.Vendor) != "Canon" {
		t.Errorf("fused %q %q, want Canon MG5200", val(doc.Identity.Vendor), val(doc.Identity.Model))
	}
	scanner := BJNPHints(map[string]string{"MFG": "Canon", "DES": "Canon MG5200 series", "CMD": "MultiPass 2.1,IVEC"}, "bjnp:8612")
	for _, h := range scanner {
		if h.Field == "printer" {
			t.Errorf("scanner reply set printer: %+v", h)
		}
	}
	if len(BJNPHints(nil, "bjnp:8611")) != 0 {
		t.Error("empty reply gave hints")
	}
}

func FuzzBJNPHints(f *testing.F) {
	f.Add("Canon", "MG5200 series", "1.050", "BJL")
	f.Fuzz(func(t *testing.T, mfg, mdl, ver, cmd string) {
		for _, h := range BJNPHints(map[string]string{"MFG": mfg, "MDL": mdl, "VER": ver, "CMD": cmd}, "bjnp:8611") {
			if h.Value == "" || len(h.Value) > maxInput {
				t.Fatalf("bad hint %+v", h)
			}
		}
	})
}
