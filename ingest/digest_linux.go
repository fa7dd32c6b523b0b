package ingest

import "syscall"

// ctimeNS returns the status-change time in nanoseconds since 1970.
func ctimeNS(st *syscall.Stat_t) int64 { return st.Ctim.Nano() }
