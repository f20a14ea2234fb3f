package reports

import (
	"testing"

	"github.com/mfpscan/mfpscan/internal/testtable"
)

func TestGuidePoints(t *testing.T) {
	if len(guidePoints) != GuidePointCount+1 {
		t.Fatalf("%d key points, want %d", len(guidePoints)-1, GuidePointCount)
	}
	for _, n := range []int{-1, 0, GuidePointCount + 1} {
		if GuidePointName(n) != "" {
			t.Errorf("GuidePointName(%d) = %q", n, GuidePointName(n))
		}
	}
	if GuidePointName(4) != "Securing the Communication Using Security Protocols" {
		t.Errorf("GuidePointName(4) = %q", GuidePointName(4))
	}
}

func TestCamelCase(t *testing.T) {
	testtable.Mapping(t, "camelCase", camelCase, map[string]string{
		"Legacy TLS versions are offered": "LegacyTLSVersionsAreOffered",
		"SNMPv1/v2c: public community":    "SNMPv1V2cPublicCommunity",
		"":                                "",
		"  ":                              "",
	})
}

func TestSeverityMappings(t *testing.T) {
	tests := []struct{ sev, score, level, problem string }{
		{"critical", "9.5", "error", "error"},
		{"high", "8.0", "error", "error"},
		{"medium", "5.5", "warning", "warning"},
		{"low", "3.0", "note", "recommendation"},
		{"info", "1.0", "note", "recommendation"},
		{"bogus", "1.0", "note", "recommendation"},
	}
	for _, tc := range tests {
		if SecuritySeverity(tc.sev) != tc.score || sarifLevel(tc.sev) != tc.level || problemSeverity(tc.sev) != tc.problem {
			t.Errorf("%s: got %s/%s/%s", tc.sev, SecuritySeverity(tc.sev), sarifLevel(tc.sev), problemSeverity(tc.sev))
		}
	}
}
