// Package slices is a Go 1.19 stand-in for the one function of the Go 1.21
// standard library package that matcher/parse uses.
package slices

func Contains[S ~[]E, E comparable](s S, v E) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
