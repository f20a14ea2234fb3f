# METADATA
# title: Too many cleartext services (bundle fixture)
# description: Fixture shipped in an OPA bundle, with its own data.
# scope: package
# custom:
#   id: TEST-BUNDLE-001
#   severity: info
#   guide_point: 4
#   remediation: Disable cleartext services.
package bundled.cleartext

deny contains sprintf("%d cleartext services, limit %d", [count(input.cleartext), data.bundled.limit]) if {
	count(input.cleartext) > data.bundled.limit
}
