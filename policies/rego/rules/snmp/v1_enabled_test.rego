package mfpscan.rules.snmp.v1_enabled_test

import data.mfpscan.fixtures
import data.mfpscan.rules.snmp.v1_enabled

test_fail_enabled if {
	doc := object.union(fixtures.canon, {"snmp": {"v1": true}})
	r := v1_enabled with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/snmp/v1"}
	fixtures.messages(r) == {"SNMPv1 answers on 161/udp"}
}

test_pass_disabled if {
	fixtures.status(v1_enabled) == "pass" with input as fixtures.canon
}

test_review_snmp_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "snmp", "timeout"), {"snmp": {"status": "timeout", "v1": null}})
	r := v1_enabled with input as doc
	r.review == {"SNMPv1 not tested: snmp collector: timeout (test)"}
}

test_not_applicable_snmp_closed if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "snmp", "closed"), ["snmp"])
	fixtures.status(v1_enabled) == "not_applicable" with input as doc
}

# An absent snmp object is unknown, like a null v1: review, never pass.
test_review_snmp_absent if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "snmp", "timeout"), ["snmp"])
	r := v1_enabled with input as doc
	r.review == {"SNMPv1 not tested: snmp collector: timeout (test)"}
}
