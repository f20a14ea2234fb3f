package mfpscan.rules.net.public_address_test

import data.mfpscan.fixtures
import data.mfpscan.rules.net.public_address

test_pass_private_address if {
	fixtures.status(public_address) == "pass" with input as fixtures.canon
}

test_fail_public_ipv4 if {
	doc := object.union(fixtures.canon, {"address": "198.18.0.1", "ip_class": "public"})
	r := public_address with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/ip_class"}
}

test_fail_global_interface if {
	doc := object.union(fixtures.canon, {"interfaces": [
		{"address": "192.168.10.20", "ip_class": "private", "source": "snmp"},
		{"address": "2a00:1450::1", "ip_class": "ipv6_global", "source": "snmp"},
	]})
	r := public_address with input as doc
	fixtures.facts(r) == {"/interfaces/1/ip_class"}
	some msg in fixtures.messages(r)
	contains(msg, "2a00:1450::1")
}

test_review_without_class if {
	r := public_address with input as object.remove(fixtures.canon, ["ip_class"])
	fixtures.status(r) == "review"
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"ip_class": "public"})
	fixtures.status(public_address) == "not_applicable" with input as doc
}
