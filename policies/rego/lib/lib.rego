# Package mfpscan.lib holds the helpers every built-in rule uses, so that the
# "unknown is not false" convention and the applicability policy (non-printers,
# non-Canon devices) are decided once, not in every rule.
package mfpscan.lib

# Organisation parameters; absent keys fall back to the defaults given at each
# use, so a partial --data file never makes a rule undefined.
default config := {}

config := data.mfpscan.config if is_object(data.mfpscan.config)

param(name, fallback) := object.get(config, name, fallback)

# --- facts: unknown is not false -----------------------------------------------
#
# A fact that was not collected is absent or null. In Rego, `not input.a.b`
# is false when b is null, and `input.a.b == false` is undefined when a is
# null, so a rule that tests facts directly can pass on an unknown one. These
# helpers make "unknown" one test: fact(path) is null whenever the value is
# absent, null, or lies under something that is not an object.

# fact is the value at path (an array of keys), null when unknown.
fact(path) := object.get(input, path, null)

# known holds when the fact at path was collected (any non-null value).
known(path) if fact(path) != null

# unknown holds when the fact at path is absent or null.
unknown(path) if fact(path) == null

# bool_known holds when the fact at path is true or false.
bool_known(path) if is_boolean(fact(path))

# obj and arr give the object or array at path, empty when unknown or of
# another type, so lookups under them never fail.
obj(path) := v if {
	v := fact(path)
	is_object(v)
} else := {}

arr(path) := v if {
	v := fact(path)
	is_array(v)
} else := []

# str gives the string at path, "" when unknown.
str(path) := v if {
	v := fact(path)
	is_string(v)
} else := ""

# --- identity -----------------------------------------------------------------

is_printer if input.identity.is_printer == true

not_printer if input.identity.is_printer == false

# Printer-ness is unknown when no source could tell (null or absent).
printer_unknown if {
	not is_printer
	not not_printer
}

vendor := str(["identity", "vendor", "value"])

vendor_known if vendor != ""

is_canon if lower(vendor) == "canon"

model := str(["identity", "model", "value"])

# device_label names the device in messages: model when known, else address.
device_label := sprintf("%s %s", [vendor, model]) if {
	vendor_known
	model != ""
} else := address

# address names the device; "device" when the document lacks it.
address := v if {
	v := str(["address"])
	v != ""
} else := "device"

# Reasons that make every MFP rule not applicable.
mfp_not_applicable contains "device is not a printer or MFP (identity.is_printer is false)" if not_printer

# Reasons that make a Canon-specific rule not applicable: the MFP reasons plus
# a known vendor other than Canon. An unknown vendor keeps the rule applicable,
# since an unidentified device may still be a Canon one.
canon_not_applicable contains reason if some reason in mfp_not_applicable

canon_not_applicable contains sprintf("vendor is %s; the rule checks a Canon-specific setting", [vendor]) if {
	not not_printer
	vendor_known
	not is_canon
}

# A note to add to review reasons when printer-ness is unknown.
printer_unknown_note := " (printer identity unknown)" if printer_unknown else := ""

# --- collectors ---------------------------------------------------------------

collector(name) := obj(["collectors", name])

collector_status(name) := s if {
	s := collector(name).status
	is_string(s)
} else := "not_run"

collector_ok(name) if collector_status(name) == "ok"

# missing_reason explains why a collector's facts are missing, e.g.
# "snmp collector: timeout" or "tls collector: error (handshake failed)".
missing_reason(name) := sprintf("%s collector: %s (%s)", [name, collector_status(name), r]) if {
	r := collector(name).reason
	is_string(r)
	r != ""
} else := sprintf("%s collector: %s", [name, collector_status(name)])

# --- ports --------------------------------------------------------------------

ports := arr(["ports"])

# The lab can serve every port shifted (80 → 10080) for users without root;
# the scan records the shift so rules still reason about well-known ports.
port_offset := v if {
	v := fact(["scan", "port_offset"])
	is_number(v)
} else := 0

# well_known gives the standard port number of a port entry.
well_known(p) := p.port - port_offset

# A port entry is usable only with a number, a protocol and a state; one
# that lacks any of them could be the very port a rule looks for.
port_entry_ok(p) if {
	is_number(p.port)
	is_string(p.protocol)
	is_string(p.state)
}

ports_malformed contains i if {
	some i, p in ports
	not port_entry_ok(p)
}

# open_index maps protocol → well-known port → indexes in /ports of the open
# entries (ascending), so a finding can point at /ports/<i>. It is a complete
# rule, so it is computed once per device and every port rule does lookups
# instead of scanning input.ports for each port it checks.
open_index := {proto: {port: [i |
	some i, p in ports
	p.state == "open"
	p.protocol == proto
	well_known(p) == port
] |
	some q in ports
	q.state == "open"
	q.protocol == proto
	port := well_known(q)
} |
	some proto in {p.protocol | some p in ports; p.state == "open"}
}

open_port(port, proto) if open_index[proto][port]

open_tcp(port) if open_port(port, "tcp")

open_udp(port) if open_port(port, "udp")

# open_port_index yields the indexes in /ports of every open entry for
# port/proto, in ascending order.
open_port_index(port, proto) := object.get(open_index, [proto, port], [])

# Discovery results say "closed" only when the host's sweep finished
# (collectors.discovery is ok: not cut by its deadline or an interrupt), the
# port list is recorded and every entry of it is readable. (An input
# reference rather than collector_ok: OPA's rule index then skips bodies
# whose status does not match, without evaluating them.)
ports_known if {
	input.collectors.discovery.status == "ok"
	is_array(input.ports)
	count(ports_malformed) == 0
}

# The sweep's TCP port list (as scanned, i.e. shifted by port_offset). A
# port outside it was not probed, so its absence proves nothing; without
# the list no absence proves anything.
scanned_ports := {p | some p in arr(["scan", "ports"])}

scanned_ports_known if count(scanned_ports) > 0

# A TCP port was not in the sweep's port list, so its absence proves nothing.
port_not_scanned(port) if not port + port_offset in scanned_ports

# The UDP probes the sweep sent (scan.udp_probes: [{port, service}], ports
# as sent, i.e. shifted). A UDP service is known to be silent only when its
# probe was sent: UDP has no refusal to read, so an unprobed port says
# nothing.
udp_probes_sent := {n |
	some p in arr(["scan", "udp_probes"])
	is_number(p.port)
	n := p.port - port_offset
}

udp_probed(port) if port in udp_probes_sent

# probe_review gives a review reason for each probes[] record of collector
# on one of ports whose name is in names and that got no answer: not sent
# (with why), timed out, refused or failed. A rule whose probe was not
# answered cannot know what the probe would have shown.
probe_review(collector, names, ports) := {sprintf("%s probe %s on port %v: %s%s", [collector, p.name, p.port, p.outcome, probe_detail(p)]) |
	some p in arr(["probes"])
	is_object(p)
	p.collector == collector
	p.name in names
	p.port in ports
	p.outcome != "answered"
}

probe_detail(p) := sprintf(" (%s)", [p.detail]) if {
	is_string(p.detail)
	p.detail != ""
} else := ""

# The parts of port_review that do not depend on the port, computed once per
# device.
ports_unknown_review := {r |
	not ports_known
	some r in ports_unknown_reasons
}

ports_unknown_reasons contains sprintf("open ports unknown: %s", [missing_reason("discovery")]) if {
	not input.collectors.discovery.status == "ok"
}

ports_unknown_reasons contains "open ports unknown: the port list is not recorded" if not is_array(fact(["ports"]))

ports_unknown_reasons contains sprintf("open ports unknown: %d port entries lack a number, protocol or state", [count(ports_malformed)]) if {
	count(ports_malformed) > 0
}

# port_review returns the reasons a port rule cannot pass for port/proto.
port_review(port, proto) := ports_unknown_review if {
	not ports_known
} else := {sprintf("%d/udp was not probed (no UDP probe for it in this sweep)", [port]) |
	not udp_probed(port)
	not open_udp(port)
} if {
	proto == "udp"
} else := {sprintf("tcp port %d was not in the scanned port list", [port]) |
	port_not_scanned(port)
	not open_tcp(port)
} if {
	proto == "tcp"
} else := set()

# --- TLS ----------------------------------------------------------------------

tls_version_order := {"ssl3": 0, "tls1_0": 1, "tls1_1": 2, "tls1_2": 3, "tls1_3": 4}

tls_version_label := {
	"ssl3": "SSL 3.0",
	"tls1_0": "TLS 1.0",
	"tls1_1": "TLS 1.1",
	"tls1_2": "TLS 1.2",
	"tls1_3": "TLS 1.3",
}

# The TLS services as a list; [] when the list is missing or null, which the
# review reasons below then report as "no TLS port could be tested".
tls_services := v if {
	v := object.get(input, "tls", [])
	is_array(v)
} else := []

# Indexes of TLS ports whose handshake probe completed. An entry without a
# port number cannot be tied to a port: it is never "tested".
tls_tested contains i if {
	some i, t in tls_services
	t.status == "ok"
	is_number(t.port)
}

# tls_port_label(t) names a TLS entry's port in review reasons, even when
# the port was not recorded.
tls_port_label(t) := t.port if is_number(t.port) else := "(port not recorded)"

tls_status_label(t) := t.status if is_string(t.status) else := "status not recorded"

tls_any_tested if count(tls_tested) > 0

# tls_below(v, min) is true when version v is older than min.
tls_below(v, min) if tls_version_order[v] < tls_version_order[min]

min_tls_version := v if {
	v := param("min_tls_version", "tls1_2")
	tls_version_order[v]
} else := "tls1_2"

# Reasons TLS rules cannot pass: no TLS port was testable.
tls_review contains sprintf("no TLS port could be tested: %s", [missing_reason("tls")]) if {
	not tls_any_tested
	count(tls_services) == 0
}

tls_review contains sprintf("no TLS port could be tested (%s)", [concat(", ", statuses)]) if {
	not tls_any_tested
	count(tls_services) > 0
	statuses := [sprintf("port %v: %v", [tls_port_label(t), tls_status_label(t)]) | some t in tls_services]
}

# Every TLS port is judged on its own: a port that could not be examined
# gives review for its findings even when another port was examined, so
# 443 being fine never hides 8443 timing out.
tls_review contains sprintf("TLS port %v could not be examined: %v%s", [tls_port_label(t), tls_status_label(t), tls_reason_note(t)]) if {
	tls_any_tested
	some i, t in tls_services
	not tls_tested[i]
}

tls_reason_note(t) := sprintf(" (%s)", [t.reason]) if {
	is_string(t.reason)
	t.reason != ""
} else := ""

# tls_unknown_note(t, v) says why version v of port t is unknown, as the
# collector recorded it (reset, closed, timed out), for review reasons.
tls_unknown_note(t, v) := sprintf(" (%s)", [r]) if {
	r := object.get(t, ["unknown", v], "")
	is_string(r)
	r != ""
} else := ""

# Certificates of tested TLS ports, with their index.
certificates contains [i, cert] if {
	some i in tls_tested
	cert := tls_services[i].certificate
}

# --- credentials --------------------------------------------------------------

credential_checks := arr(["credentials", "checks"])

# [index, check] of every check whose login was accepted (usually none), so
# each credential rule scans this short list instead of every check.
accepted_checks := [[i, c] | some i, c in credential_checks; is_object(c); c.accepted == true]

# Accounts with at least one check that gave a yes/no answer.
tried_accounts := {c.account | some c in credential_checks; is_object(c); is_boolean(c.accepted)}

# The review reason every credential rule gives when the checks did not run.
credentials_not_run := sprintf("default-credential checks not run: %s", [missing_reason("credentials")])

# --- services with their own applicability ---------------------------------------

# Reasons that make an SNMP rule (and a Remote UI rule, below) not applicable
# besides mfp_not_applicable. A rule whose not_applicable only copies lib sets
# has it evaluated once per device for every rule with the same sources (see
# policies/eval.go), instead of once per rule.
snmp_not_applicable contains "SNMP agent does not answer (snmp collector: closed)" if input.collectors.snmp.status == "closed"

remote_ui_not_applicable contains "no Remote UI found" if {
	input.remote_ui.present == false
	count(remote_ui_unexamined) == 0
}

# HTTP ports found open whose first page timed out or failed: the Remote UI
# may be on them, so neither "no Remote UI" nor a verdict over every port
# can be made while there are any.
remote_ui_unexamined := arr(["remote_ui", "unexamined_ports"])

# The Remote UI facts as an object ({} when unknown), and the review reason
# every Remote UI rule gives when they are missing.
remote_ui := obj(["remote_ui"])

remote_ui_review contains sprintf("Remote UI not examined: %s", [missing_reason("http")]) if unknown(["remote_ui"])

remote_ui_review contains "whether a Remote UI is present was not determined" if {
	known(["remote_ui"])
	not is_boolean(object.get(remote_ui, "present", null))
}

remote_ui_review contains sprintf("no Remote UI found on the ports that answered; port(s) %v did not answer (timeout or error)", [remote_ui_unexamined]) if {
	input.remote_ui.present == false
	count(remote_ui_unexamined) > 0
}

# --- attestations ---------------------------------------------------------------

attestations := obj(["attestations"])

attestation(key) := object.get(attestations, key, null)

# The attestations file named in evidence.
attestation_source := str(["attestations", "source"])

# attestation_deny / attestation_review implement the common shape of
# organisation-attested checks: false fails, missing is reviewed, true passes.
attestation_deny(key, msg) := {attestation_finding(key, msg)} if {
	attestation(key) == false
} else := set()

attestation_review(key, what) := {attestation_missing(key, what)} if {
	not is_boolean(attestation(key))
} else := set()

# The finding and the review reason of the shape above, for rules that test
# input.attestations.<key> themselves: a plain reference is much cheaper to
# evaluate than a function call, and these are only built when they apply.
# The built-in rules write the review reason out as a constant string (no
# sprintf per device); it must read as attestation_missing would make it.
attestation_finding(key, msg) := {"msg": msg, "fact": sprintf("/attestations/%s", [key]), "evidence": {key: false, "source": attestation_source}}

attestation_missing(key, what) := sprintf("not attested: %s (set %s in the attestations file)", [what, key])

# A device without any TLS service makes TLS-configuration rules not
# applicable (whether plain HTTP is acceptable is judged by the Remote UI rules).
tls_not_applicable contains "no TLS service found (tls collector: closed)" if {
	input.collectors.tls.status == "closed"
	count(tls_services) == 0
}

tls_review_certs contains r if some r in tls_review

tls_review_certs contains sprintf("TLS port %d: no certificate recorded%s", [t.port, note]) if {
	some i in tls_tested
	t := tls_services[i]
	not is_object(object.get(t, "certificate", null))
	note := cert_reason_note(t)
}

# cert_bool_review(field, what) gives a review reason for every examined
# TLS port whose certificate does not say true or false for field: a
# certificate rule that tests "field == true" would otherwise pass on it.
cert_bool_review(field, what) := {sprintf("TLS port %d: %s not recorded", [t.port, what]) |
	some i in tls_tested
	t := tls_services[i]
	cert := t.certificate
	is_object(cert)
	not is_boolean(object.get(cert, field, null))
}

# cert_text(cert, field) is a certificate's text field for messages and
# evidence, "" when it was not recorded, so a missing subject never drops a
# finding.
cert_text(cert, field) := v if {
	v := object.get(cert, field, "")
	is_string(v)
} else := ""

cert_reason_note(t) := sprintf(" (%s)", [t.certificate_reason]) if {
	is_string(t.certificate_reason)
	t.certificate_reason != ""
} else := ""
