# METADATA
# title: Wireless LAN without WPA2/WPA3
# description: >-
#   The guide asks to connect MFPs through a wireless LAN router with WPA2 or WPA3. The
#   organisation attests the wireless setting (none, wpa2, wpa3, disabled); an open or
#   WEP/WPA network fails.
# scope: package
# related_resources:
# - https://oip.manual.canon/USRMA-9064-zz-CS-7100-enAU/contents/devu-sec-approp_env-secpol-item.html
# - https://www.canon.co.uk/support/product-security/
# custom:
#   id: MFP-WIFI-001
#   severity: high
#   guide_point: 4
#   guide_section: Securing the Communication Using Security Protocols
#   security_policy: Interface
#   stig: [MFD03.002]
#   nist: [AC-18, SC-8]
#   remediation: >-
#     Configure the access point for WPA2 or WPA3 and re-join the MFP (Settings/Registration >
#     Preferences > Network > Wireless LAN Settings), or prohibit wireless use with the
#     Security Policy (Remote UI: Settings/Registration > Security Settings > Security Policy
#     Settings > Interface > Wireless Connection Policy > Prohibit Use of Wireless LAN);
#     record it in the attestations file (wireless_security).
#   vendors: [any]
#   facts: [/attestations/wireless_security]
package mfpscan.rules.wifi.wireless_security

import data.mfpscan.lib

not_applicable contains reason if some reason in lib.mfp_not_applicable

wireless := lower(lib.str(["attestations", "wireless_security"]))

deny contains {
	"msg": sprintf("wireless LAN security attested as %q, not WPA2/WPA3", [wireless]),
	"fact": "/attestations/wireless_security",
	"evidence": {"wireless_security": wireless, "source": object.get(input, ["attestations", "source"], "")},
} if {
	wireless != ""
	not wireless in {"wpa2", "wpa3", "disabled"}
}

review contains "not attested: wireless LAN security (set wireless_security in the attestations file)" if wireless == ""
