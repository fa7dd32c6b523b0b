// Package progress draws a progress line on a terminal for work that takes
// more than a moment.
//
// Nothing is drawn during the first half second, so quick runs stay quiet.
// On a terminal the line is redrawn in place at most ten times a second; to
// a file or pipe (CI logs) a plain line is written at most every ten
// seconds. Done clears the line.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar reports progress to a writer, usually os.Stderr.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	label    string
	start    time.Time
	last     time.Time
	drawn    bool
	delay    time.Duration
	interval time.Duration
}

// New returns a bar writing to w. Bars on a terminal redraw in place.
func New(w io.Writer, label string) *Bar {
	b := &Bar{w: w, label: label, start: time.Now(), delay: 500 * time.Millisecond}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.tty = true
		}
	}
	b.interval = 10 * time.Second
	if b.tty {
		b.interval = 100 * time.Millisecond
	}
	return b
}

// Update reports that done of total steps of stage are finished. It is safe
// for concurrent use.
func (b *Bar) Update(stage string, done, total int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Sub(b.start) < b.delay || (now.Sub(b.last) < b.interval && done != total) {
		return
	}
	b.last = now
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	const width = 24
	fill := int(frac * width)
	line := fmt.Sprintf("%s: %s [%s%s] %d/%d  %s", b.label, stage,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total,
		now.Sub(b.start).Round(time.Second))
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(b.w, line)
	}
	b.drawn = true
}

// Done clears the line if one was drawn.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn && b.tty {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
