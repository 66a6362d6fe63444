//go:build !unix

package safefs

const openFlags = 0
