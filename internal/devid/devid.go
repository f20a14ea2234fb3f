// Package devid reads IEEE 1284 device IDs ("MFG:Xerox;MDL:AltaLink
// C8045;CLS:PRINTER;"), which printers state in SNMP, IPP, BJNP and PJL.
package devid

import "strings"

// Field returns one key of a device ID, the key matched without regard to
// case and both sides trimmed; "" when absent.
func Field(id, key string) string {
	for _, kv := range strings.Split(id, ";") {
		k, v, ok := strings.Cut(kv, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
