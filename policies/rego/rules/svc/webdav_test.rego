package mfpscan.rules.svc.webdav_test

import data.mfpscan.fixtures
import data.mfpscan.rules.svc.webdav

test_fail_cleartext_webdav if {
	doc := object.union(fixtures.canon, {"cleartext": [{"service": "webdav", "port": 8080}]})
	r := webdav with input as doc
	fixtures.facts(r) == {"/cleartext/0"}
}

test_fail_port_service if {
	doc := object.union(fixtures.canon, {"ports": [{"port": 8443, "protocol": "tcp", "state": "open", "service": "webdav-ssl"}]})
	fixtures.facts(webdav) == {"/ports/0"} with input as doc
}

test_pass if {
	fixtures.status(webdav) == "pass" with input as fixtures.canon
}

test_review_http_failed if {
	fixtures.status(webdav) == "review" with input as fixtures.with_collector(fixtures.canon, "http", "timeout")
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"cleartext": [{"service": "webdav", "port": 8080}]})
	fixtures.status(webdav) == "not_applicable" with input as doc
}

# The http collector found no WebDAV, but the open ports are unknown, so a
# WebDAV server elsewhere is not ruled out.
test_review_ports_unknown if {
	doc := object.union(fixtures.with_collector(fixtures.canon, "discovery", "timeout"), {"ports": []})
	r := webdav with input as doc
	r.review == {"open ports unknown: discovery collector: timeout (test)"}
}

# Issue 12: HTTP answering is no evidence about WebDAV; only the OPTIONS
# probe's DAV header (or its absence) decides.
test_review_http_without_options_probe if {
	doc := object.union(fixtures.canon, {"http": [{"port": 80, "tls": false, "status": "ok", "canon_remote_ui": true}]})
	fixtures.status(webdav) == "review" with input as doc
}

test_fail_dav_header if {
	doc := object.union(fixtures.canon, {"http": [{"port": 80, "tls": false, "status": "ok", "canon_remote_ui": true, "webdav": true, "dav": "1, 2"}]})
	r := webdav with input as doc
	fixtures.facts(r) == {"/http/0/webdav"}
}

test_pass_options_without_dav if {
	doc := object.union(fixtures.canon, {"http": [{"port": 80, "tls": false, "status": "ok", "canon_remote_ui": true, "webdav": false}]})
	fixtures.status(webdav) == "pass" with input as doc
}
