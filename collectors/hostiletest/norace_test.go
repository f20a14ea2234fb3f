//go:build !race

package hostiletest

const raceFactor = 1
