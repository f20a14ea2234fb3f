package policies

import (
	"strings"
	"testing"
)

// securityPolicyItems are the Canon Security Policy items rules cite, with
// the path of groups above each (the guide's key point 10 and the Canon
// manuals in ../shared/reference/canon-mfp-facts.md §7.2).
var securityPolicyItems = map[string]string{
	"Prohibit Use of SNMPv1":                                   "Network > Communication Operational Policy",
	"Prohibit Cleartext Authentication for Server Functions":   "Network > Communication Operational Policy",
	"Always Verify Signatures for SMB/WebDAV Server Functions": "Network > Communication Operational Policy",
	"Restrict LPD Port":                                        "Network > Port Usage Policy",
	"Port Usage Policy":                                        "Network",
	"Prohibit Use of Wireless LAN":                             "Interface > Wireless Connection Policy",
	"Password Operational Policy":                              "Authentication",
	"Prohibit Use of Weak Encryption":                          "Key/Certificate",
}

// securityPolicyMenu is where the Remote UI sets the Security Policy
// (issue 12: "Management Settings > Security Policy" was wrong).
const securityPolicyMenu = "Settings/Registration > Security Settings > Security Policy Settings"

// Issue 12 item 11: every remediation that cites a Security Policy item
// gives its whole path from the Remote UI menu down.
func TestRemediationMenuPaths(t *testing.T) {
	for _, r := range loadBuiltin(t).Rules() {
		text := oneLine(r.Remediation)
		if strings.Contains(text, "Management Settings > Security Policy") {
			t.Errorf("%s: wrong Security Policy menu: %s", r.ID, text)
		}
		for item, groups := range securityPolicyItems {
			if !strings.Contains(text, item) {
				continue
			}
			if !strings.Contains(text, securityPolicyMenu+" > "+groups) {
				t.Errorf("%s cites %q without its path %q: %s", r.ID, item, securityPolicyMenu+" > "+groups, text)
			}
		}
	}
}

// Issue 12 item 11: rules that check a Security Policy category are tagged
// with key point 10 too; a rule citing a Security Policy item has one.
func TestSecurityPolicyRulesAlsoPoint10(t *testing.T) {
	for _, r := range loadBuiltin(t).Rules() {
		cites := strings.Contains(oneLine(r.Remediation), securityPolicyMenu)
		if cites && r.SecurityPolicy == "" && r.GuidePoint != SecurityPolicyPoint {
			t.Errorf("%s cites the Security Policy but names no security_policy category", r.ID)
		}
		if r.SecurityPolicy != "" && r.GuidePoint != SecurityPolicyPoint && (len(r.AlsoGuidePoints) != 1 || r.AlsoGuidePoints[0] != SecurityPolicyPoint) {
			t.Errorf("%s: security_policy %s but also_guide_points %v", r.ID, r.SecurityPolicy, r.AlsoGuidePoints)
		}
	}
}
