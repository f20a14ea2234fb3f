package mfpscan.rules.rui.cleartext_http_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.cleartext_http

test_fail_cleartext if {
	doc := object.union(fixtures.canon, {"remote_ui": {"cleartext_reachable": true}})
	r := cleartext_http with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/remote_ui/cleartext_reachable"}
	some msg in fixtures.messages(r)
	contains(msg, "[80]")
}

test_pass_redirects if {
	fixtures.status(cleartext_http) == "pass" with input as fixtures.canon
}

test_review_unknown if {
	doc := object.union(fixtures.canon, {"remote_ui": {"cleartext_reachable": null}})
	fixtures.status(cleartext_http) == "review" with input as doc
}

test_review_no_remote_ui_fact if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "http", "timeout"), ["remote_ui"])
	r := cleartext_http with input as doc
	r.review == {"Remote UI not examined: http collector: timeout (test)"}
}

test_not_applicable_absent if {
	doc := object.union(fixtures.canon, {"remote_ui": {"present": false, "cleartext_reachable": null}})
	fixtures.status(cleartext_http) == "not_applicable" with input as doc
}

# An absent cleartext_reachable (the facts omit unknown booleans) is unknown, like null.
test_review_absent if {
	doc := json.remove(fixtures.canon, ["remote_ui/cleartext_reachable"])
	fixtures.status(cleartext_http) == "review" with input as doc
}

# Issue 12: a Remote UI whose presence is unknown is not a pass.
test_review_present_unknown if {
	doc := object.union(object.remove(fixtures.canon, ["remote_ui"]), {"remote_ui": object.remove(fixtures.canon.remote_ui, ["present"])})
	r := cleartext_http with input as doc
	fixtures.status(r) == "review"
}

# The Remote UI answered over HTTPS and port 80 timed out: whether it
# answers over plain HTTP is unknown (the collector leaves the fact out),
# never a pass.
test_review_http_port_unanswered if {
	doc := json.remove(
		object.union(fixtures.canon, {"remote_ui": {"http_ports": [], "unexamined_ports": [80]}}),
		["remote_ui/cleartext_reachable"],
	)
	fixtures.status(cleartext_http) == "review" with input as doc
}

# No Remote UI on the ports that answered, one that did not: review, not
# "no Remote UI found".
test_review_no_ui_but_a_port_unanswered if {
	doc := object.union(fixtures.canon, {"remote_ui": {"present": false, "ports": [], "http_ports": [], "tls_ports": [], "unexamined_ports": [80]}})
	fixtures.status(cleartext_http) == "review" with input as doc
}
