package pipeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/internal/usage"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		spec    string
		want    []int
		wantErr string
	}{
		{"80", []int{80}, ""},
		{"443,80, 8000-8002 ,80", []int{80, 443, 8000, 8001, 8002}, ""},
		{"1-3", []int{1, 2, 3}, ""},
		{"65535", []int{65535}, ""},
		{"", nil, "no ports given"},
		{"0", nil, `"0" is not a port number`},
		{"70000", nil, `"70000" is not a port number`},
		{"http", nil, `"http" is not a port number`},
		{"90-80", nil, "runs backwards"},
		{"80-", nil, "is not a port number"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParsePorts(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !usage.Is(err) {
					t.Fatalf("ParsePorts(%q) error = %v, want usage error containing %q", tt.spec, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParsePorts(%q) = %v, %v; want %v", tt.spec, got, err, tt.want)
			}
		})
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"80", "1-65535", "443,80,8000-8010", "", "-", "5-3", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ports, err := ParsePorts(spec)
		if err != nil {
			return
		}
		if !slices.IsSorted(ports) || len(slices.Compact(slices.Clone(ports))) != len(ports) {
			t.Fatalf("ParsePorts(%q) = %v: not sorted and unique", spec, ports)
		}
		for _, p := range ports {
			if p < 1 || p > 65535 {
				t.Fatalf("ParsePorts(%q) returned port %d", spec, p)
			}
		}
	})
}

func TestParseFormatsAndSeverity(t *testing.T) {
	avail := []string{"sarif", "html", "json"}
	if got, err := ParseFormats("SARIF, html,sarif", avail); err != nil || !slices.Equal(got, []string{"sarif", "html"}) {
		t.Fatalf("ParseFormats = %v, %v", got, err)
	}
	if _, err := ParseFormats("pdf", avail); err == nil || !strings.Contains(err.Error(), "valid: sarif, html, json") {
		t.Fatalf("unknown format error = %v", err)
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != "high" {
		t.Fatalf("ParseSeverity(HIGH) = %q, %v", s, err)
	}
	if s, err := ParseSeverity("none"); err != nil || s != "" {
		t.Fatalf("ParseSeverity(none) = %q, %v", s, err)
	}
	if _, err := ParseSeverity("severe"); !usage.Is(err) {
		t.Fatalf("ParseSeverity(severe) error = %v, want usage error", err)
	}
}
