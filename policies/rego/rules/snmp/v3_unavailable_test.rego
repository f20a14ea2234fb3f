package mfpscan.rules.snmp.v3_unavailable_test

import data.mfpscan.fixtures
import data.mfpscan.rules.snmp.v3_unavailable

test_fail_v1_only if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": true, "v3": false}})
	r := v3_unavailable with input as doc
	fixtures.messages(r) == {"SNMP answers SNMPv1 but not SNMPv3"}
}

test_pass_v3 if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": true}})
	fixtures.status(v3_unavailable) == "pass" with input as doc
}

test_review_v3_untested if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": true, "v3": null}})
	fixtures.status(v3_unavailable) == "review" with input as doc
}

test_not_applicable_legacy_off if {
	fixtures.status(v3_unavailable) == "not_applicable" with input as fixtures.canon
}

# An absent snmp object is unknown: review, never pass.
test_review_snmp_absent if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "snmp", "timeout"), ["snmp"])
	r := v3_unavailable with input as doc
	r.review == {"SNMPv3 support not tested: snmp collector: timeout (test)"}
}

# Issue 12: v1 unknown must not turn "v1 and v2c answer, v3 does not" into
# a pass; v2c alone still fails, and with both unknown it is review.
test_fail_v1_unknown_v2c_on if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": null, "v2c": true, "v3": false}})
	fixtures.status(v3_unavailable) == "fail" with input as doc
}

test_review_legacy_unknown if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": null, "v2c": null, "v3": false}})
	fixtures.status(v3_unavailable) == "review" with input as doc
}
