package mfpscan.rules.rui.open_pages_test

import data.mfpscan.fixtures
import data.mfpscan.rules.rui.open_pages

test_fail_open_pages if {
	doc := object.union(fixtures.canon, {"remote_ui": {"open_pages": ["/", "/rps/abook.ldif"]}})
	r := open_pages with input as doc
	fixtures.facts(r) == {"/remote_ui/open_pages/0", "/remote_ui/open_pages/1"}
	"Remote UI page /rps/abook.ldif is readable without logging in" in fixtures.messages(r)
}

test_pass if {
	fixtures.status(open_pages) == "pass" with input as fixtures.canon
}

test_review_http_failed if {
	doc := object.remove(fixtures.with_collector(fixtures.canon, "http", "error"), ["remote_ui"])
	fixtures.status(open_pages) == "review" with input as doc
}

test_not_applicable_no_ui if {
	doc := object.union(fixtures.canon, {"remote_ui": {"present": false}})
	fixtures.status(open_pages) == "not_applicable" with input as doc
}

# Issue 12: open_pages missing (pages not all requested) is review.
test_review_open_pages_unknown if {
	doc := object.union(object.remove(fixtures.canon, ["remote_ui"]), {"remote_ui": object.remove(fixtures.canon.remote_ui, ["open_pages"])})
	fixtures.status(open_pages) == "review" with input as doc
}

# Issue 12 item 2: a page not requested on one Remote UI port (no Canon
# markers there) leaves that port unexamined, even when another port
# answered every page.
test_review_page_not_sent_on_one_port if {
	probes := [
		{"collector": "http", "name": "GET /sysmonitor/", "port": 80, "protocol": "tcp", "outcome": "answered"},
		{"collector": "http", "name": "GET /sysmonitor/", "port": 443, "protocol": "tcp", "outcome": "not_sent", "detail": "no Canon Remote UI markers on this port"},
	]
	doc := object.union(fixtures.canon, {"probes": probes})
	r := open_pages with input as doc
	fixtures.status(r) == "review"
}

test_pass_pages_answered_everywhere if {
	probes := [
		{"collector": "http", "name": "GET /sysmonitor/", "port": 80, "protocol": "tcp", "outcome": "answered"},
		{"collector": "http", "name": "GET /sysmonitor/", "port": 443, "protocol": "tcp", "outcome": "answered"},
		{"collector": "http", "name": "GET /sysmonitor/", "port": 8080, "protocol": "tcp", "outcome": "not_sent"},
	]
	doc := object.union(fixtures.canon, {"probes": probes})
	fixtures.status(open_pages) == "pass" with input as doc
}
