# Helpers without METADATA: not a rule, so not in the catalogue.
package custom.helpers

snmp_collected if input.snmp.status == "ok"
