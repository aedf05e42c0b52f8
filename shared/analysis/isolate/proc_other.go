//go:build !linux

package isolate

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

// canMeasureRSS is false where there is no /proc: only the time limit and
// the child's own Go memory limit apply.
func canMeasureRSS() bool { return false }

func residentBytes(pid int) (int64, bool) { return 0, false }
