package registry

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mfpscan/mfpscan/collectors"
)

func TestDefaultOrderAndNames(t *testing.T) {
	names, err := Names(collectors.Options{})
	if err != nil {
		t.Fatalf("Names: %v", err)
	}
	want := []string{"snmp", "http", "tls", "ipp", "banner", "fingerprint", "remote_ui", "advisories", "credentials"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("registry (-want +got):\n%s", diff)
	}
}
