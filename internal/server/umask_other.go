//go:build !unix

package server

// privateUmask has nothing to set where there is no umask.
func privateUmask() {}
