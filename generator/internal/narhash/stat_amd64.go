//go:build linux

package narhash

import (
	"syscall"
	"unsafe"
)

const atSymlinkNofollow = 0x100 // AT_SYMLINK_NOFOLLOW

// lstatAt is fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW), which package
// syscall exports on linux/arm64 but not on linux/amd64.
func lstatAt(dirfd int, name string, st *syscall.Stat_t) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)),
			uintptr(unsafe.Pointer(st)), atSymlinkNofollow, 0, 0)
		if e != syscall.EINTR {
			if e != 0 {
				return e
			}
			return nil
		}
	}
}
