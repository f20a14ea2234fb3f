package mfpscan.rules.rui.no_https_redirect_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.no_https_redirect

test_fail_no_redirect if {
	doc := object.union(fixtures.canon, {"remote_ui": {"redirects_to_https": false}})
	r := no_https_redirect with input as doc
	fixtures.facts(r) == {"/remote_ui/redirects_to_https"}
}

test_pass if {
	fixtures.status(no_https_redirect) == "pass" with input as fixtures.canon
}

test_review_unknown if {
	doc := object.union(fixtures.canon, {"remote_ui": {"redirects_to_https": null}})
	fixtures.status(no_https_redirect) == "review" with input as doc
}

test_not_applicable_https_only if {
	doc := object.union(fixtures.canon, {"remote_ui": {"http_ports": [], "redirects_to_https": null}})
	fixtures.status(no_https_redirect) == "not_applicable" with input as doc
}

# An absent redirects_to_https (the facts omit unknown booleans) is unknown, like null.
test_review_absent if {
	doc := json.remove(fixtures.canon, ["remote_ui/redirects_to_https"])
	fixtures.status(no_https_redirect) == "review" with input as doc
}

# A plain HTTP port that timed out may be the Remote UI's: no HTTP port
# answered, but that does not make the rule not applicable.
test_review_http_port_unanswered if {
	doc := object.union(fixtures.canon, {"remote_ui": {"http_ports": [], "redirects_to_https": null, "unexamined_ports": [80]}})
	fixtures.status(no_https_redirect) == "review" with input as doc
}
