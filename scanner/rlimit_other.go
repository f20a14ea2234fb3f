//go:build !unix

package scanner

// maxConcurrency has no file-descriptor limit to respect here.
func maxConcurrency(want int) int { return want }
