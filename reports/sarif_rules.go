package reports

import (
	"fmt"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

// maxTags is GitHub's limit of tags per rule.
const maxTags = 20

func ruleDescriptor(rl policies.Rule) *sarifDescriptor {
	title := nonEmpty(rl.Title, rl.ID)
	d := &sarifDescriptor{
		ID:                   rl.ID,
		Name:                 nonEmpty(camelCase(title), camelCase(rl.ID)),
		ShortDescription:     &sarifMessage{Text: truncate(title, 1024)},
		FullDescription:      &sarifMessage{Text: nonEmpty(rl.Description, title)},
		Help:                 &sarifMessage{Text: helpText(rl), Markdown: helpMarkdown(rl)},
		DefaultConfiguration: &sarifConfiguration{Level: sarifLevel(rl.Severity)},
		Properties: map[string]any{
			"tags":              ruleTags(rl),
			"precision":         "high",
			"security-severity": SecuritySeverity(rl.Severity),
			"problem.severity":  problemSeverity(rl.Severity),
		},
	}
	for _, u := range rl.RelatedResources {
		if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			d.HelpURI = u
			break
		}
	}
	for _, n := range append([]int{rl.GuidePoint}, rl.AlsoGuidePoints...) {
		if GuidePointName(n) == "" {
			continue
		}
		d.Relationships = append(d.Relationships, &sarifRelationship{
			Target: sarifDescriptorRef{
				ID:            fmt.Sprint(n),
				Index:         intp(n - 1),
				ToolComponent: &sarifComponentRef{Name: guideTaxonomy, Index: intp(0)},
			},
			Kinds: []string{"relevant"},
		})
	}
	return d
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func ruleTags(rl policies.Rule) []string {
	tags := []string{"security", "mfp"}
	for _, n := range append([]int{rl.GuidePoint}, rl.AlsoGuidePoints...) {
		if n > 0 {
			tags = append(tags, fmt.Sprintf("guide-point-%d", n))
		}
	}
	if rl.SecurityPolicy != "" {
		tags = append(tags, "security-policy/"+strings.ToLower(rl.SecurityPolicy))
	}
	tags = append(tags, rl.Vendors...)
	tags = append(tags, rl.STIG...)
	tags = append(tags, rl.NIST...)
	seen := map[string]bool{}
	out := tags[:0]
	for _, t := range tags {
		if t == "" || seen[t] || len(out) == maxTags {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func guideLine(rl policies.Rule) string {
	name := GuidePointName(rl.GuidePoint)
	if name == "" {
		return ""
	}
	s := fmt.Sprintf("Canon security guide key point %d: %s", rl.GuidePoint, name)
	if rl.GuideSection != "" && rl.GuideSection != name {
		s += " (section: " + rl.GuideSection + ")"
	}
	return s
}

// policyLine names the Security Policy category a rule checks, which puts
// it under key point 10 as well.
func policyLine(rl policies.Rule) string {
	if rl.SecurityPolicy == "" {
		return ""
	}
	return fmt.Sprintf("Canon Security Policy category %s: key point %d, %s", rl.SecurityPolicy, policies.SecurityPolicyPoint, GuidePointName(policies.SecurityPolicyPoint))
}

func helpText(rl policies.Rule) string {
	var b strings.Builder
	b.WriteString("Remediation: " + nonEmpty(rl.Remediation, "See the rule description."))
	if g := guideLine(rl); g != "" {
		b.WriteString("\n" + g + ".")
	}
	if p := policyLine(rl); p != "" {
		b.WriteString("\n" + p + ".")
	}
	if len(rl.STIG) > 0 {
		b.WriteString("\nDISA MFD STIG: " + strings.Join(rl.STIG, ", "))
	}
	if len(rl.NIST) > 0 {
		b.WriteString("\nNIST SP 800-53: " + strings.Join(rl.NIST, ", "))
	}
	for _, u := range rl.RelatedResources {
		b.WriteString("\nSee: " + u)
	}
	return b.String()
}

func helpMarkdown(rl policies.Rule) string {
	var b strings.Builder
	b.WriteString("**Remediation:** " + nonEmpty(rl.Remediation, "See the rule description.") + "\n")
	if g := guideLine(rl); g != "" {
		b.WriteString("\n" + g + ".\n")
	}
	if p := policyLine(rl); p != "" {
		b.WriteString("\n" + p + ".\n")
	}
	if len(rl.STIG) > 0 {
		b.WriteString("\n**DISA MFD STIG:** " + strings.Join(rl.STIG, ", ") + "\n")
	}
	if len(rl.NIST) > 0 {
		b.WriteString("\n**NIST SP 800-53:** " + strings.Join(rl.NIST, ", ") + "\n")
	}
	if len(rl.RelatedResources) > 0 {
		b.WriteString("\n**Related resources:**\n")
		for _, u := range rl.RelatedResources {
			fmt.Fprintf(&b, "- <%s>\n", u)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// sarifResults turns one failed or waived rule outcome into SARIF results,
// one per finding so each points at its own fact.
func sarifResults(res policies.Result, dev *facts.Device, ruleIdx, guidePoint int, uri string, artifactIdx int, lines *FactIndex) []*sarifResult {
	findings := res.Findings
	if len(findings) == 0 {
		findings = []policies.Finding{{Message: "Rule " + res.RuleID + " failed."}}
	}
	model, serial := deviceModel(dev), ""
	if dev != nil {
		serial = attr(dev.Identity.Serial)
	}
	deviceID := res.Device()
	keys := policies.FindingKeys(findings)
	out := make([]*sarifResult, 0, len(findings))
	for i, f := range findings {
		fp := Fingerprint(res.RuleID, deviceID, keys[i])
		line := factLine(lines, f.Fact)
		sr := &sarifResult{
			RuleID:              res.RuleID,
			RuleIndex:           intp(ruleIdx),
			Kind:                "fail",
			Level:               sarifLevel(res.Severity),
			Message:             sarifMessage{Text: resultMessage(res.Address, model, serial, f)},
			PartialFingerprints: map[string]string{fingerprintKey: fp},
			Fingerprints:        map[string]string{"mfpscan/v1": fp},
			Locations: []*sarifLocation{{
				PhysicalLocation: &sarifPhysicalLocation{
					ArtifactLocation: &sarifArtifactLocation{URI: uri, Index: intp(artifactIdx)},
					Region:           &sarifRegion{StartLine: line},
				},
				Message: &sarifMessage{Text: nonEmpty(f.Fact, "/")},
			}},
			Properties: map[string]any{
				"address":   res.Address,
				"device_id": deviceID,
				"model":     model,
				"serial":    serial,
				"severity":  res.Severity,
			},
		}
		if guidePoint > 0 {
			sr.Properties["guide_point"] = guidePoint
		}
		if f.Fact != "" {
			sr.Properties["fact"] = f.Fact
		}
		relateSARIF(sr, f, uri, artifactIdx, lines)
		if res.Status == policies.StatusWaived {
			just := "waived"
			if res.Waiver != nil && res.Waiver.Reason != "" {
				just = res.Waiver.Reason
			}
			sr.Suppressions = []*sarifSuppressed{{Kind: "external", Status: "accepted", Justification: just}}
		}
		out = append(out, sr)
	}
	return out
}

func factLine(lines *FactIndex, fact string) int {
	if lines != nil && fact != "" {
		return lines.Line(fact)
	}
	return 1
}

// relateSARIF maps a finding's root-cause links: one that points at the
// result failing for its cause is informational (level none) with that
// result as related location and properties.related; a root finding lists
// the findings pointing at it the same way under properties.consequences.
func relateSARIF(sr *sarifResult, f policies.Finding, uri string, artifactIdx int, lines *FactIndex) {
	loc := func(id int, ref policies.Ref, what string) *sarifLocation {
		return &sarifLocation{
			ID: intp(id),
			PhysicalLocation: &sarifPhysicalLocation{
				ArtifactLocation: &sarifArtifactLocation{URI: uri, Index: intp(artifactIdx)},
				Region:           &sarifRegion{StartLine: factLine(lines, ref.Fact)},
			},
			Message: &sarifMessage{Text: what + " " + ref.RuleID + " " + nonEmpty(ref.Fact, "/")},
		}
	}
	refs := func(rs []policies.Ref) []map[string]string {
		out := make([]map[string]string, 0, len(rs))
		for _, r := range rs {
			out = append(out, map[string]string{"rule_id": r.RuleID, "fingerprint": r.Fingerprint})
		}
		return out
	}
	if r := f.Related; r != nil {
		sr.Kind, sr.Level = "informational", "none"
		sr.Message.Text = strings.TrimRight(sr.Message.Text, ".") + ". Same root cause as " + r.RuleID + ", which fails for it."
		sr.RelatedLocations = append(sr.RelatedLocations, loc(0, *r, "root cause: fails as"))
		sr.Properties["related"] = refs([]policies.Ref{*r})
	}
	for _, c := range f.Consequences {
		sr.RelatedLocations = append(sr.RelatedLocations, loc(len(sr.RelatedLocations), c, "same cause, not failed again:"))
	}
	if len(f.Consequences) > 0 {
		sr.Properties["consequences"] = refs(f.Consequences)
	}
}

func resultMessage(address, model, serial string, f policies.Finding) string {
	var who []string
	if model != "" {
		who = append(who, model)
	}
	if serial != "" {
		who = append(who, "serial "+serial)
	}
	head := address
	if len(who) > 0 {
		head += " (" + strings.Join(who, ", ") + ")"
	}
	msg := head + ": " + strings.TrimSpace(nonEmpty(f.Message, "finding"))
	if ev := evidenceText(f.Evidence); ev != "" {
		msg = strings.TrimRight(msg, ".") + ". Evidence: " + ev
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
