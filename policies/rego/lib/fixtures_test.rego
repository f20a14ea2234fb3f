# Package mfpscan.fixtures holds facts documents shared by the rule tests, so
# each test states only what differs from a well-configured Canon MFP. The
# file ends in _test.rego so that evaluation loaders skip it.
package mfpscan.fixtures

# A Canon imageRUNNER ADVANCE that passes every built-in rule.
canon := {
	"schema_version": "1",
	"scan": {
		"tool": "mfpscan", "version": "test", "engine": "native", "targets": ["192.168.10.0/24"],
		"ports": [21, 23, 25, 80, 139, 443, 445, 515, 631, 8000, 5900, 8443, 9007, 9100, 47546],
		"udp_probes": [
			{"port": 161, "service": "snmp"}, {"port": 3702, "service": "wsd"}, {"port": 427, "service": "slp"},
			{"port": 5353, "service": "mdns"}, {"port": 8611, "service": "bjnp"}, {"port": 8612, "service": "bjnp"},
			{"port": 47545, "service": "canon-mgmt"}, {"port": 69, "service": "tftp"},
		],
	},
	"address": "192.168.10.20",
	"family": "ipv4",
	"ip_class": "private",
	"identity": {
		"is_printer": true,
		"is_mfp": true,
		"vendor": {"value": "Canon", "source": "snmp", "confidence": "high"},
		"product_family": {"value": "imageRUNNER ADVANCE DX", "source": "snmp", "confidence": "high"},
		"model": {"value": "iR-ADV DX C5840", "source": "snmp", "confidence": "high"},
		"serial": {"value": "XYZ01234", "source": "snmp", "confidence": "high"},
		"firmware": {"value": "37.12", "source": "snmp", "confidence": "high"},
		"device_id": "serial:XYZ01234",
	},
	"ports": [
		{"port": 80, "protocol": "tcp", "state": "open", "service": "http"},
		{"port": 443, "protocol": "tcp", "state": "open", "service": "https"},
		{"port": 161, "protocol": "udp", "state": "open", "service": "snmp"},
		{"port": 631, "protocol": "tcp", "state": "closed", "service": "ipp"},
	],
	"interfaces": [{"address": "192.168.10.20", "ip_class": "private", "source": "snmp:ipAddrTable"}],
	"http": [
		{"port": 80, "tls": false, "status": "ok", "canon_remote_ui": true, "webdav": false},
		{"port": 443, "tls": true, "status": "ok", "canon_remote_ui": true, "webdav": false},
	],
	"remote_ui": {
		"present": true,
		"ports": [80, 443],
		"http_ports": [80],
		"tls_ports": [443],
		"login_mode": "user_password",
		"otp_step": true,
		"cleartext_reachable": false,
		"redirects_to_https": true,
		"hsts": true,
		"open_pages": [],
	},
	"tls": [{
		"port": 443,
		"status": "ok",
		"versions": {"ssl3": false, "tls1_0": false, "tls1_1": false, "tls1_2": true, "tls1_3": true},
		"ciphers": {
			"tls1_2": [{"name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "id": 49199}],
			"tls1_3": [{"name": "TLS_AES_128_GCM_SHA256", "id": 4865}],
		},
		"certificate": {
			"subject": "CN=printer-5f.example.internal,O=Example",
			"subject_cn": "printer-5f.example.internal",
			"issuer": "CN=Example Issuing CA,O=Example",
			"self_signed": false,
			"not_before": "2025-01-01T00:00:00Z",
			"not_after": "2027-01-01T00:00:00Z",
			"expired": false,
			"key_type": "RSA",
			"key_bits": 2048,
			"signature_algorithm": "SHA256-RSA",
			"sha256": "aa",
			"default_canon_subject": false,
			"fermat_weak": false,
		},
	}],
	"snmp": {
		"status": "ok",
		"port": 161,
		"v1": false,
		"v2c": false,
		"v3": true,
		"communities_accepted": [],
		"communities_tried": 4,
		"engine_enterprise": 4976,
	},
	"ipp": [],
	"cleartext": [],
	"credentials": {"status": "ok", "checks": [
		{"account": "system_manager_default", "accepted": false, "status": "ok"},
		{"account": "system_manager_blank", "accepted": false, "status": "ok"},
		{"account": "administrator_default", "accepted": false, "status": "ok"},
		{"account": "meap_sms_default", "accepted": false, "status": "ok"},
		{"account": "ftp_anonymous", "accepted": false, "status": "ok"},
	]},
	"firmware": {"version": "37.12", "source": "snmp", "advisory_status": "not_affected", "advisories": []},
	"attestations": {
		"source": "attestations.yaml",
		"access_controlled_room": true,
		"firewall_restricted": true,
		"firmware_verification": true,
		"audit_log_forwarded": true,
		"security_policy_applied": true,
		"wireless_security": "wpa3",
		"auto_firmware_update": true,
	},
	"collectors": {
		"discovery": {"status": "ok"},
		"snmp": {"status": "ok"},
		"http": {"status": "ok"},
		"tls": {"status": "ok"},
		"ipp": {"status": "ok"},
		"banner": {"status": "ok"},
		"fingerprint": {"status": "ok"},
		"advisories": {"status": "ok"},
		"credentials": {"status": "ok"},
		"attestations": {"status": "ok"},
	},
}

# A network device that is known not to be a printer.
not_printer := object.union(canon, {"identity": {"is_printer": false, "is_mfp": false, "vendor": {"value": "Cisco"}}})

# A printer of another vendor.
other_vendor := object.union(canon, {"identity": {"vendor": {"value": "HP"}, "model": {"value": "LaserJet M607"}}})

# with_port returns doc with one more port entry appended.
with_port(doc, port, proto) := object.union(doc, {"ports": array.concat(doc.ports, [{"port": port, "protocol": proto, "state": "open"}])})

# with_collector returns doc with the named collector in the given status.
with_collector(doc, name, status) := object.union(doc, {"collectors": {name: {"status": status, "reason": "test"}}})

# status applies the contract's status order to a rule package's document.
status(pkg) := "not_applicable" if {
	count(object.get(pkg, "not_applicable", set())) > 0
} else := "fail" if {
	count(object.get(pkg, "deny", set())) > 0
} else := "review" if {
	count(object.get(pkg, "review", set())) > 0
} else := "pass"

# messages lists the deny messages of a rule package's document.
messages(pkg) := {f.msg | some f in object.get(pkg, "deny", set())}

# facts lists the JSON Pointers of a rule package's deny set.
facts(pkg) := {f.fact | some f in object.get(pkg, "deny", set())}
