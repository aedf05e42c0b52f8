//go:build !linux

package isolate

import (
	"syscall"
	"time"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

// canMeasureRSS is false where there is no /proc: only the time limit and
// the child's own Go memory limit apply.
func canMeasureRSS() bool { return false }

func residentBytes(pid int) (int64, bool) { return 0, false }

// cpuTime is 0 where it is not measured.
func cpuTime() time.Duration { return 0 }
