//go:build linux

package narhash

import "syscall"

// lstatAt is fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW).
func lstatAt(dirfd int, name string, st *syscall.Stat_t) error {
	for {
		if err := syscall.Fstatat(dirfd, name, st, 0x100 /* AT_SYMLINK_NOFOLLOW */); err != syscall.EINTR {
			return err
		}
	}
}
