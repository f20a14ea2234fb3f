package facts

import (
	"slices"
	"testing"
)

func TestCompareAddress(t *testing.T) {
	in := []string{"printer.example", "::1", "10.0.0.10", "10.0.0.9", "192.168.0.2", "10.0.0.100", "fe80::1%eth0", "fe80::1", "2001:db8::1"}
	want := []string{"10.0.0.9", "10.0.0.10", "10.0.0.100", "192.168.0.2", "::1", "2001:db8::1", "fe80::1", "fe80::1%eth0", "printer.example"}
	got := slices.Clone(in)
	slices.SortFunc(got, CompareAddress)
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	for _, a := range in {
		for _, b := range in {
			if CompareAddress(a, b) != -CompareAddress(b, a) {
				t.Errorf("CompareAddress(%q, %q) is not antisymmetric", a, b)
			}
		}
	}
}
