package policies

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mfpscan/mfpscan/internal/testtable"
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
		"| [TEST-PARAM-001](#test-param-001) | medium | [3](#key-point-3-fixture-firewall-section) | Organisation-forbidden port is open (fixture) *(disabled)* |",
		`| [TEST-STATUS-001](#test-status-001) | high | [5](#key-point-5-fixture-section) | pipes \| in \| title |`,
		"By severity: 1 high, 1 medium.",
		"## Key point 3: Fixture firewall section\n\n### TEST-PARAM-001\n",
		"## Key point 5: Fixture section\n\n### TEST-STATUS-001\n",
		"- Severity: high\n",
		"- DISA MFD STIG: MFD00.001",
		"- NIST SP 800-53: CM-7, SC-8",
		"- Facts used: `/snmp`",
		"**Remediation.** Turn SNMP v1 and v2c off.",
		"**Related resources.**\n\n- <https://example.invalid/status>",
		"- Disabled by organisation data",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestAnchor(t *testing.T) {
	testtable.Mapping(t, "anchor", anchor, map[string]string{
		"MFP-TLS-001": "mfp-tls-001",
		"Key point 4: Securing the Communication Using Security Protocols": "key-point-4-securing-the-communication-using-security-protocols",
		"Key point 2: Using (Private) IP_Addresses!":                       "key-point-2-using-private-ip_addresses",
	})
}

// updateDocs rewrites docs/RULES.md: go test ./policies -run TestRulesDocUpToDate -update
var updateDocs = flag.Bool("update", false, "rewrite docs/RULES.md from the catalogue")

// rulesDoc is docs/RULES.md relative to this package's directory.
const rulesDoc = "../docs/RULES.md"

// TestRulesDocUpToDate keeps docs/RULES.md equal to what `mfpscan policy
// list --format markdown` prints for the embedded catalogue.
func TestRulesDocUpToDate(t *testing.T) {
	e, err := Load(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, e.Rules(), "markdown"); err != nil {
		t.Fatal(err)
	}
	if *updateDocs {
		if err := os.WriteFile(rulesDoc, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatalf("read %s: %v (run `go run ./cmd/mfpscan policy list --format markdown > docs/RULES.md`)", rulesDoc, err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("docs/RULES.md is stale: run `go run ./cmd/mfpscan policy list --format markdown > docs/RULES.md`\n(or go test ./policies -run TestRulesDocUpToDate -update)\n%s",
			cmp.Diff(string(got), buf.String()))
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
