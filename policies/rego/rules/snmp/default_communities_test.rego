package mfpscan.rules.snmp.default_communities_test

import data.mfpscan.fixtures
import data.mfpscan.rules.snmp.default_communities

test_fail_public if {
	doc := object.union(fixtures.canon, {"snmp": {"communities_accepted": ["public", "custom-1"]}})
	r := default_communities with input as doc
	fixtures.messages(r) == {"default SNMP community \"public\" is accepted"}
	fixtures.facts(r) == {"/snmp/communities_accepted"}
}

test_fail_canon_admin if {
	doc := object.union(fixtures.canon, {"snmp": {"communities_accepted": ["canon_admin", "canon_user"]}})
	r := default_communities with input as doc
	count(r.deny) == 2
}

test_pass_custom_only if {
	doc := object.union(fixtures.canon, {"snmp": {"communities_accepted": ["custom-1"]}})
	fixtures.status(default_communities) == "pass" with input as doc
}

test_org_list_overrides_defaults if {
	doc := object.union(fixtures.canon, {"snmp": {"communities_accepted": ["public"]}})
	fixtures.status(default_communities) == "pass" with input as doc with data.mfpscan.config.default_snmp_communities as ["private"]
}

test_review_snmp_error if {
	doc := fixtures.with_collector(fixtures.canon, "snmp", "error")
	fixtures.status(default_communities) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"snmp": {"communities_accepted": ["public"]}})
	fixtures.status(default_communities) == "not_applicable" with input as doc
}

# Issue 12: no snmp facts at all, or communities_accepted unknown, is review.
test_review_snmp_missing_collector_ok if {
	doc := object.remove(fixtures.canon, ["snmp"])
	fixtures.status(default_communities) == "review" with input as doc
}

test_review_communities_unknown if {
	doc := object.union(fixtures.canon, {"snmp": {"communities_accepted": null}})
	fixtures.status(default_communities) == "review" with input as doc
}
