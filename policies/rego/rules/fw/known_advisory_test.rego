package mfpscan.rules.fw.known_advisory_test

import data.mfpscan.fixtures
import data.mfpscan.rules.fw.known_advisory

vulnerable := object.union(fixtures.canon, {"firmware": {
	"version": "03.07",
	"advisory_status": "vulnerable",
	"advisories": [{"id": "CP2024-001", "cves": ["CVE-2023-6229", "CVE-2024-0244"], "fixed_in": "03.08"}],
}})

test_fail_advisory if {
	r := known_advisory with input as vulnerable
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/firmware/advisories/0"}
	fixtures.messages(r) == {"firmware 03.07 is affected by CP2024-001 (CVE-2023-6229, CVE-2024-0244); fixed in 03.08"}
}

test_pass_not_affected if {
	fixtures.status(known_advisory) == "pass" with input as fixtures.canon
}

test_review_unknown if {
	doc := object.union(fixtures.canon, {"firmware": {"advisory_status": "unknown"}})
	fixtures.status(known_advisory) == "review" with input as doc
}

test_review_no_firmware if {
	doc := object.remove(fixtures.canon, ["firmware"])
	fixtures.status(known_advisory) == "review" with input as doc
}

test_not_applicable_other_vendor if {
	doc := object.union(fixtures.other_vendor, {"firmware": vulnerable.firmware})
	fixtures.status(known_advisory) == "not_applicable" with input as doc
}

# Issue 12: an advisory whose CVE list (or id) is unknown still fails, and
# the finding carries the advisory's own severity.
test_fail_cves_unknown if {
	doc := object.union(fixtures.canon, {"firmware": {"version": "11.04", "advisory_status": "vulnerable", "advisories": [{"id": "CP2023-001", "severity": "medium"}]}})
	r := known_advisory with input as doc
	fixtures.status(r) == "fail"
	[f.severity | some f in r.deny] == ["medium"]
}

test_review_firmware_null if {
	doc := object.union(fixtures.canon, {"firmware": null})
	fixtures.status(known_advisory) == "review" with input as doc
}

test_review_uncovered_model_line if {
	doc := object.union(fixtures.canon, {"firmware": {"version": "01.02", "advisory_status": "not_affected", "advisory_coverage": "model_line_not_covered"}})
	fixtures.status(known_advisory) == "review" with input as doc
	known_advisory.review == {"no advisory data for this model line (model_line_not_covered)"} with input as doc
}

test_pass_covered_not_affected if {
	doc := object.union(fixtures.canon, {"firmware": {"version": "03.10", "advisory_status": "not_affected", "advisory_coverage": "model_line_covered"}})
	fixtures.status(known_advisory) == "pass" with input as doc
}
