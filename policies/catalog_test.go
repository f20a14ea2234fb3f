package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func catalogFixture(t *testing.T) []Rule {
	t.Helper()
	e := loadFixture(t, Options{DataFiles: []string{"testdata/data/disable.json"}})
	return e.Rules()
}

func TestWriteCatalogTable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, catalogFixture(t), "table"); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"ID               SEVERITY  POINT  ENABLED  ORIGIN          TITLE\n" +
		"TEST-PARAM-001   medium    3      no       testdata/rules  Organisation-forbidden port is open (fixture)\n" +
		"TEST-STATUS-001  high      5      yes      testdata/rules  SNMP v1 or v2c answers (fixture)\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestWriteCatalogJSON(t *testing.T) {
	rules := catalogFixture(t)
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, rules, "json"); err != nil {
		t.Fatal(err)
	}
	var back []Rule
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if diff := cmp.Diff(rules, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := WriteCatalog(&buf, nil, "json"); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty catalogue = %q, %v; want []", buf.String(), err)
	}
}

func TestWriteCatalogMarkdown(t *testing.T) {
	rules := catalogFixture(t)
	rules[1].Title = "pipes | in | title"
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, rules, "markdown"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| [TEST-PARAM-001](#test-param-001) | medium | 3 | Organisation-forbidden port is open (fixture) | no |",
		`| [TEST-STATUS-001](#test-status-001) | high | 5 | pipes \| in \| title | yes |`,
		"## Key point 3: Fixture firewall section\n\n### TEST-PARAM-001\n",
		"## Key point 5: Fixture section\n\n### TEST-STATUS-001\n",
		"- Guide key point: 5 (Fixture section)",
		"- DISA MFD STIG: MFD00.001",
		"- NIST SP 800-53: CM-7, SC-8",
		"- Facts: `/snmp`",
		"**Remediation.** Turn SNMP v1 and v2c off.",
		"- <https://example.invalid/status>",
		"- Disabled by organisation data",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteCatalogUnknownFormat(t *testing.T) {
	err := WriteCatalog(&bytes.Buffer{}, nil, "xml")
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("err = %v", err)
	}
}

func TestRunRegoTests(t *testing.T) {
	var out bytes.Buffer
	passed, failed, err := RunRegoTests(context.Background(), []string{"testdata/regotests"}, &out)
	if err != nil {
		t.Fatalf("RunRegoTests: %v\n%s", err, out.String())
	}
	if testing.Verbose() {
		t.Log(out.String())
	}
	if passed != 3 || failed != 1 {
		t.Errorf("passed %d failed %d, want 3 and 1\n%s", passed, failed, out.String())
	}
	for _, want := range []string{"data.custom.status_test.test_v1_denied: PASS", "data.custom.status_test.test_fixture_fails: FAIL", "PASS: 3/4", "FAIL: 1/4"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if _, _, err := RunRegoTests(context.Background(), []string{"testdata/bad/httpsend"}, &out); err == nil ||
		!strings.Contains(err.Error(), "undefined function http.send") {
		t.Errorf("network builtin in tests: err = %v", err)
	}
	if _, _, err := RunRegoTests(context.Background(), []string{"testdata/rules"}, &out); err == nil {
		t.Error("a path without tests reported success")
	}
}
