package cli

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// onInterrupt makes Ctrl-C (or SIGTERM) during a command that writes out
// only at its end (analyze, compare) stop at once and say what became of
// the output: nothing was written, and an earlier file at out is as it was
// (outputs are written aside and renamed). It returns the function that
// ends the handling, to defer.
func onInterrupt(env *Env, cmd, out string) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			kept := ""
			if fileExists(out) {
				kept = "; " + out + " is left as it was"
			}
			fmt.Fprintf(env.Stderr, "\noblique %s: interrupted: no table written%s\n", cmd, kept)
			os.Exit(130)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
