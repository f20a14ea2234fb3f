package mfpscan.rules.tls.weak_ciphers_test

import data.mfpscan.fixtures
import data.mfpscan.rules.tls.weak_ciphers

test_fail if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": [{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "id": 10, "weak": ["3des", "no_pfs"]}]}})]})
	r := weak_ciphers with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/tls/0/ciphers/tls1_2/0"}
	some msg in fixtures.messages(r)
	contains(msg, "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
}

test_pass if {
	fixtures.status(weak_ciphers) == "pass" with input as fixtures.canon
}

test_review_tls_timeout if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "tls", "timeout"), {"tls": [object.union(fixtures.canon.tls[0], {"status": "timeout"})]})
	r := weak_ciphers with input as doc
	fixtures.status(r) == "review"
	some reason in r.review
	contains(reason, "port 443: timeout")
}

test_review_tls_not_run if {
	doc := object.remove(object.union(fixtures.canon, {"collectors": {"tls": {"status": "error", "reason": "dial refused"}}}), ["tls"])
	r := weak_ciphers with input as doc
	r.review == {"no TLS port could be tested: tls collector: error (dial refused)"}
}

test_not_applicable_no_tls_service if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "tls", "closed"), ["tls"])
	fixtures.status(weak_ciphers) == "not_applicable" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"tls": [object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": [{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "id": 10, "weak": ["3des", "no_pfs"]}]}})]})
	fixtures.status(weak_ciphers) == "not_applicable" with input as doc
}

tls12(ciphers) := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": ciphers}})]})

# Each weak suite is named, with its own severity from its worst class; CBC
# with SHA-1 alone is not weak unless the organisation lists it.
test_fail_names_each_suite_with_severity if {
	doc := tls12([
		{"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "id": 10, "weak": ["3des", "cbc_sha1", "no_pfs"]},
		{"name": "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "id": 166, "weak": ["anon", "no_pfs"]},
		{"name": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "id": 49171, "weak": ["cbc_sha1"]},
	])
	r := weak_ciphers with input as doc
	fixtures.status(r) == "fail"
	{[f.evidence.cipher, f.severity] | some f in r.deny} == {
		["TLS_RSA_WITH_3DES_EDE_CBC_SHA", "medium"],
		["TLS_DH_anon_WITH_AES_128_GCM_SHA256", "critical"],
	}
	some msg in fixtures.messages(r)
	contains(msg, "TLS_DH_anon_WITH_AES_128_GCM_SHA256 (anon)")
}

test_severity_worst_class if {
	r := weak_ciphers with input as tls12([{"name": "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "id": 3, "weak": ["export", "rc4", "no_pfs"]}])
	{f.severity | some f in r.deny} == {"critical"}
	r2 := weak_ciphers with input as tls12([{"name": "TLS_RSA_WITH_RC4_128_SHA", "id": 5, "weak": ["rc4", "no_pfs"]}])
	{f.severity | some f in r2.deny} == {"high"}
}

test_cbc_sha1_when_the_organisation_asks if {
	doc := tls12([{"name": "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "id": 49171, "weak": ["cbc_sha1"]}])
	fixtures.status(weak_ciphers) == "pass" with input as doc
	r := weak_ciphers with input as doc with data.mfpscan.config.weak_cipher_classes as ["cbc_sha1"]
	{f.severity | some f in r.deny} == {"low"}
}

# Issue 12: the TLS 1.2 list of a port unknown while TLS 1.3's is known was
# a pass.
test_review_version_ciphers_missing if {
	doc := json.remove(fixtures.canon, ["tls/0/ciphers/tls1_2"])
	r := weak_ciphers with input as doc
	r.review == {"TLS port 443: TLS 1.2 is accepted but its cipher suites were not enumerated"}
}

test_review_version_unknown if {
	doc := object.union(json.remove(fixtures.canon, ["tls/0/versions/tls1_0"]), {"tls": [object.union(fixtures.canon.tls[0], {"unknown": {"tls1_0": "connection reset"}})]})
	r := weak_ciphers with input as json.remove(doc, ["tls/0/versions/tls1_0"])
	r.review == {"TLS port 443: TLS 1.0 cipher suites unknown (connection reset)"}
}

test_review_list_incomplete if {
	doc := object.union(fixtures.canon, {"tls": [object.union(fixtures.canon.tls[0], {"unknown": {"tls1_2": "suite list incomplete: timed out"}})]})
	r := weak_ciphers with input as doc
	r.review == {"TLS port 443: TLS 1.2 cipher suite list may be incomplete (suite list incomplete: timed out)"}
}

# Issue 12 item 4: 443 examined and fine, 8443 timed out: review for 8443.
test_review_other_port_unexamined if {
	doc := object.union(fixtures.canon, {"tls": [fixtures.canon.tls[0], {"port": 8443, "status": "timeout", "reason": "every probe timed out", "versions": {}}]})
	r := weak_ciphers with input as doc
	r.review == {"TLS port 8443 could not be examined: timeout (every probe timed out)"}
}

test_fail_on_one_port_beats_review_on_another if {
	weak := object.union(fixtures.canon.tls[0], {"ciphers": {"tls1_2": [{"name": "TLS_RSA_WITH_NULL_SHA", "id": 2, "weak": ["null", "no_pfs"]}]}})
	doc := object.union(fixtures.canon, {"tls": [weak, {"port": 8443, "status": "error", "versions": {}}]})
	r := weak_ciphers with input as doc
	fixtures.status(r) == "fail"
	count(r.review) == 1
}
