package custom.status_test

import data.custom.status

test_v1_denied if {
	"SNMPv1 answers" in status.deny with input as {"snmp": {"status": "ok", "v1": true}}
}

test_not_collected_review if {
	count(status.review) == 1 with input as {}
}

# Deliberately wrong: proves failures are counted and reported.
test_fixture_fails if {
	count(status.deny) == 5 with input as {"snmp": {"status": "ok", "v1": true}}
}

test_uses_builtin_defaults if {
	data.mfpscan.config.min_tls_version == "tls1_2"
}
