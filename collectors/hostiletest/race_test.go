//go:build race

package hostiletest

// raceFactor stretches deadlines when the race detector instruments the
// crypto the lab and the collectors both run in this process.
const raceFactor = 3
