//go:build unix

package server

import "syscall"

// privateUmask makes every file seki creates private to its user, whatever
// mode the creating package asked for: SQLite creates seki.db and its WAL
// 0644, and the runtime unpacks code 0755.
func privateUmask() { syscall.Umask(0o077) }
