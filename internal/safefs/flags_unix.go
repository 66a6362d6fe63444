//go:build unix

package safefs

import "syscall"

// openFlags: a named pipe must not block the open, and a terminal device
// must not become the controlling one.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
