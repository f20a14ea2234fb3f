# METADATA
# title: Fixture TEST-NET-001
# description: Fixture rule TEST-NET-001.
# scope: package
# custom:
#   id: TEST-NET-001
#   severity: low
#   guide_point: 1
#   remediation: Fix it.
package bad.httpsend

deny contains "reachable" if {
	resp := http.send({"method": "GET", "url": "http://127.0.0.1:1/"})
	resp.status_code == 200
}
