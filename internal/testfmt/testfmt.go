// Package testfmt formats values for test failure messages the same way in
// every package, so a message tells an unknown (nil) fact from a false one.
package testfmt

import "strconv"

// Bool shows a tri-state fact: "nil" when unknown, else "true" or "false".
func Bool(b *bool) string {
	if b == nil {
		return "nil"
	}
	return strconv.FormatBool(*b)
}
