// Package policies evaluates Rego rules over facts documents: the embedded
// catalogue mapped to Canon's security guide, plus an organisation's own
// rules, data overrides and waivers.
package policies

import "time"

// Status is the outcome of one rule on one device. Every device × rule ends
// in exactly one of these.
type Status string

// Rule outcomes.
const (
	StatusFail          Status = "fail"
	StatusPass          Status = "pass"
	StatusReview        Status = "review"         // a fact the rule needs was not collected
	StatusNotApplicable Status = "not_applicable" // e.g. not a Canon device, service absent
	StatusWaived        Status = "waived"
	// StatusRelated: the rule's deny set is non-empty, but every finding
	// shares its root cause with a failing result of another rule on the
	// same device (Result.Related names it). That result fails once for
	// the cause; this one points at it instead of failing again.
	StatusRelated Status = "related"
)

// Statuses lists every status, most alarming first: the order of report
// totals and of the HTML matrix's "worst status".
var Statuses = []Status{StatusFail, StatusRelated, StatusReview, StatusWaived, StatusPass, StatusNotApplicable}

// SecurityPolicyCategories are the groups of Canon's device Security
// Policy that the guide's key point 10 lists.
var SecurityPolicyCategories = []string{"Interface", "Authentication", "Key/Certificate", "Network", "Log", "Job", "Storage"}

// SecurityPolicyPoint is the key point of the guide about the Security
// Policy.
const SecurityPolicyPoint = 10

// Severities, highest first.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// SeverityRank orders severities: critical is 5, info 1, unknown 0.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return len(Severities) - i
		}
	}
	return 0
}

// Rule is one check of the catalogue, read from its package's METADATA.
type Rule struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Severity     string `json:"severity"`
	GuidePoint   int    `json:"guide_point"`
	GuideSection string `json:"guide_section"`
	// SecurityPolicy is the category of Canon's device Security Policy the
	// rule checks (key point 10: Interface, Authentication, Key/Certificate,
	// Network, Log, Job, Storage), from METADATA custom.security_policy.
	SecurityPolicy string `json:"security_policy,omitempty"`
	// AlsoGuidePoints are key points the rule implements besides
	// GuidePoint: 10 for every rule with a SecurityPolicy category.
	AlsoGuidePoints  []int    `json:"also_guide_points,omitempty"`
	STIG             []string `json:"stig,omitempty"`
	NIST             []string `json:"nist,omitempty"`
	Remediation      string   `json:"remediation"`
	RelatedResources []string `json:"related_resources,omitempty"`
	Vendors          []string `json:"vendors,omitempty"`
	Facts            []string `json:"facts,omitempty"`
	// RelatedTo lists the rules whose failures can be this rule's root
	// cause, in order of preference (METADATA custom.related_to).
	RelatedTo []string `json:"related_to,omitempty"`
	// Package is the Rego package path, e.g. "mfpscan.rules.tls.legacy_versions".
	Package string `json:"package"`
	// Origin is "builtin" or the path of the custom policy it came from.
	Origin string `json:"origin"`
	// Enabled is false when the organisation's data disabled the rule.
	Enabled bool `json:"enabled"`
	// SeverityOverridden is set when the organisation's data fixed the
	// rule's severity; findings then no longer set it.
	SeverityOverridden bool `json:"-"`
}

// Finding is one element of a rule's deny (or review) set: why it failed.
type Finding struct {
	Message string `json:"message"`
	// Fact is the JSON path in the device's facts document of the fact that
	// caused the finding, as a JSON Pointer (RFC 6901) such as
	// "/tls/0/versions/tls1_0"; reports turn it into a
	// line number.
	Fact     string         `json:"fact,omitempty"`
	Evidence map[string]any `json:"evidence,omitempty"`
	// Severity, when a rule sets it on a deny element, grades this finding
	// (e.g. MFP-TLS-003 by the weakest suite); the result takes the highest.
	Severity string `json:"severity,omitempty"`
	// RootCause keys the cause of the finding for related_to: the deny
	// element's "root_cause", else its fact. Not written to reports.
	RootCause string `json:"-"`
	// Related, on a finding whose cause another rule's finding already
	// fails for, names that finding (the root).
	Related *Ref `json:"related,omitempty"`
	// Consequences, on a root finding, name the other rules' findings that
	// point at it.
	Consequences []Ref `json:"consequences,omitempty"`
}

// Result is one rule's outcome on one device.
type Result struct {
	RuleID   string `json:"rule_id"`
	Address  string `json:"address"`
	DeviceID string `json:"device_id"`
	Status   Status `json:"status"`
	// Severity is the rule's severity after organisation overrides.
	Severity string    `json:"severity"`
	Findings []Finding `json:"findings,omitempty"`
	// Reasons explain review and not_applicable outcomes.
	Reasons []string `json:"reasons,omitempty"`
	Waiver  *Waiver  `json:"waiver,omitempty"`
	// Related names the root findings some or all of this result's
	// findings point at; with all of them, the status is related.
	Related []Ref `json:"related,omitempty"`
}

// Waiver accepts a rule's failure on selected devices until it expires.
type Waiver struct {
	Rule     string    `json:"rule" yaml:"rule"`
	Selector Selector  `json:"selector" yaml:"selector"`
	Reason   string    `json:"reason" yaml:"reason"`
	Expires  time.Time `json:"expires" yaml:"expires"`
	// Expired is set on waivers found past their date: they no longer apply
	// and are reported as such.
	Expired bool `json:"expired,omitempty" yaml:"-"`
}

// Selector picks devices for a waiver; all non-empty fields must match.
type Selector struct {
	Address string `json:"address,omitempty" yaml:"address,omitempty"`
	CIDR    string `json:"cidr,omitempty" yaml:"cidr,omitempty"`
	Serial  string `json:"serial,omitempty" yaml:"serial,omitempty"`
	Model   string `json:"model,omitempty" yaml:"model,omitempty"`
}
