package policies

import (
	"regexp"
	"testing"
)

func TestCatalogueVersion(t *testing.T) {
	v := CatalogueVersion()
	if !regexp.MustCompile(`^sha256:[0-9a-f]{12}$`).MatchString(v) {
		t.Fatalf("CatalogueVersion() = %q, want sha256:<12 hex digits>", v)
	}
	if CatalogueVersion() != v {
		t.Fatal("CatalogueVersion is not stable within a run")
	}
}
