package preprocess

import (
	"fmt"
	"math"
	"sort"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// Counts holds spike counts on some rows of a grid, unit by unit: unit u's
// count on row r is Data[u·Rows + r], so that one unit's counts over a trial
// are one run of memory. Counts fit 16 bits (65535 spikes in one 45 ms bin
// would be 1.5 MHz); Binner reports more as an overflow.
type Counts struct {
	Rows, Units int
	Data        []uint16
}

// Unit returns unit u's counts, one per row.
func (c *Counts) Unit(u int) []uint16 { return c.Data[u*c.Rows : (u+1)*c.Rows : (u+1)*c.Rows] }

// Binner counts spike times in the bins of a coarse grid whose bins are
// groups of factor bins of a base grid, as nlb_tools bins spikes at 1 ms and
// then resamples (sums) to the analysis width, a trailing partial group
// dropped: each spike's base bin is Grid.Index (int(round(t/width, 6)));
// spikes off the base grid are not counted. It counts into the coarse bins
// directly, without the dense base-grid matrix (at 1 ms that of an hour of
// 180 units would take 5 GB). Factor 1 bins on the base grid.
//
// Only the coarse bins named when it is made are counted (spikes in the
// others are skipped), so that a design that reads a few rows around each
// trial neither stores nor touches the rest.
type Binner struct {
	Counts
	base          Grid
	factor        int
	bins          int     // bins of the coarse grid
	slot          []int32 // the row of Counts of each coarse bin, or −1
	runs          []span  // the runs of counted bins, when not all are
	inv, invWidth float64 // 1/factor, 1/base.Width
	overflow      atomic.Bool
	dropped       [3]atomic.Int64 // NaN, infinite, off the base grid
}

// Dropped returns how many of the spike times added so far were not
// counted because they are NaN, infinite, or finite but off the base grid
// (before its first bin or after its last: outside the recording). Times in
// a trailing partial group of base bins, or in bins not counted, are not
// dropped in this sense.
func (b *Binner) Dropped() (nan, inf, outside int) {
	return int(b.dropped[0].Load()), int(b.dropped[1].Load()), int(b.dropped[2].Load())
}

// drops counts the spike times a Binner leaves out (Dropped).
type drops struct{ nan, inf, outside int }

// beforeGrid and afterGrid report whether a time (not NaN) has no base bin
// because it lies before the grid's first bin or after its last
// (Grid.Index outside [0, Bins); −Inf and +Inf included), without
// converting a huge quotient to int. Each is monotone in t.
func (b *Binner) beforeGrid(t float64) bool {
	q := (t - b.base.T0) * b.invWidth
	return q <= -2 || (q < 0 && b.base.Index(t) < 0)
}

func (b *Binner) afterGrid(t float64) bool {
	q := (t - b.base.T0) * b.invWidth
	n := float64(b.base.Bins)
	return q >= n+2 || (q >= n-2 && b.base.Index(t) >= b.base.Bins)
}

// sortedDrops counts the times dropped from a train in increasing order
// (no NaN): the infinite ones and those off the grid lie at its two ends,
// found by binary search.
func (b *Binner) sortedDrops(times []float64) drops {
	n := len(times)
	negInf := sort.Search(n, func(i int) bool { return times[i] > math.Inf(-1) })
	first := sort.Search(n, func(i int) bool { return !b.beforeGrid(times[i]) })
	posInf := n - sort.Search(n, func(i int) bool { return math.IsInf(times[i], 1) })
	last := max(first, sort.Search(n, func(i int) bool { return b.afterGrid(times[i]) }))
	return drops{inf: negInf + posInf, outside: first - negInf + n - last - posInf}
}

// record adds d to the Binner's counts of dropped times.
func (b *Binner) record(d drops) {
	for i, n := range [3]int{d.nan, d.inf, d.outside} {
		if n > 0 {
			b.dropped[i].Add(int64(n))
		}
	}
}

// span is a run of counted coarse bins, as times: every spike time below lo
// falls in an earlier bin, every one from hi on in a later one.
type span struct{ lo, hi float64 }

// NewBinner returns a Binner for units spike trains on the grid of groups of
// factor bins of base, counting the coarse bins in rows (any order,
// repeats allowed; nil counts them all). Row r of its Counts is the r-th of
// the counted bins in time order: Slot maps one to the other.
func NewBinner(base Grid, factor, units int, rows []int) (*Binner, error) {
	if factor < 1 || base.Bins < factor || base.Bins > math.MaxInt32 || !(base.Width > 0) {
		return nil, fmt.Errorf("preprocess: cannot rebin %d bins of %g s by a factor of %d", base.Bins, base.Width, factor)
	}
	if units < 0 {
		return nil, fmt.Errorf("preprocess: %d units", units)
	}
	bins := base.Bins / factor
	slot := make([]int32, bins)
	n := bins
	if rows == nil {
		for q := range slot {
			slot[q] = int32(q)
		}
	} else {
		for q := range slot {
			slot[q] = -1
		}
		for _, q := range rows {
			if q < 0 || q >= bins {
				return nil, fmt.Errorf("preprocess: row %d outside the %d bins of the grid", q, bins)
			}
			slot[q] = 0
		}
		n = 0
		for q, s := range slot {
			if s == 0 {
				slot[q] = int32(n)
				n++
			}
		}
	}
	if units > 0 && n > math.MaxInt/units {
		return nil, fmt.Errorf("preprocess: %d rows × %d units of counts", n, units)
	}
	b := &Binner{
		Counts: Counts{Rows: n, Units: units, Data: make([]uint16, n*units)},
		base:   base, factor: factor, bins: bins, slot: slot,
		inv: 1 / float64(factor), invWidth: 1 / base.Width,
	}
	if n < bins {
		// Half a base bin of margin: Index rounds to 6 decimals and
		// truncates, so a time more than half a base bin before the
		// first base bin of a run has a smaller base bin (and a negative
		// one is counted in bin 0 when it truncates to 0: no margin
		// below bin 0).
		for q := 0; q < bins; {
			if slot[q] < 0 {
				q++
				continue
			}
			end := q + 1
			for end < bins && slot[end] >= 0 {
				end++
			}
			sp := span{lo: math.Inf(-1), hi: base.T0 + (float64(end*factor)+0.5)*base.Width}
			if q > 0 {
				sp.lo = base.T0 + (float64(q*factor)-0.5)*base.Width
			}
			b.runs = append(b.runs, sp)
			q = end
		}
	}
	return b, nil
}

// Bins returns the number of bins of the coarse grid.
func (b *Binner) Bins() int { return b.bins }

// Slot returns the row of Counts that coarse bin q counts into, or −1 when
// q is not counted.
func (b *Binner) Slot(q int) int { return int(b.slot[q]) }

// Overflow reports whether some bin got more than 65535 spikes (its count
// wrapped around).
func (b *Binner) Overflow() bool { return b.overflow.Load() }

// Add counts the spike times (s) of unit u. Different units may be added
// from different goroutines at once.
func (b *Binner) Add(u int, times []float64) {
	col := b.Unit(u)
	if b.runs != nil {
		wrapped, ok := b.addSorted(col, times)
		if ok {
			if wrapped {
				b.overflow.Store(true)
			}
			b.record(b.sortedDrops(times))
			return
		}
		clear(col) // not in time order: count them one by one
	}
	var d drops
	if b.add(col, times, &d) {
		b.overflow.Store(true)
	}
	b.record(d)
}

// addSorted counts times that are in increasing order (ties allowed), as
// add does, but skips those outside the runs of counted bins without
// computing their bins. ok is false, and col partly counted, when the times
// are not in order (or hold a NaN). wrapped reports an overflow.
func (b *Binner) addSorted(col []uint16, times []float64) (wrapped, ok bool) {
	s, prev := 0, math.Inf(-1)
	for _, r := range b.runs {
		if s, prev, ok = before(times, s, prev, r.lo); !ok {
			return false, false
		}
		var e int
		if e, prev, ok = before(times, s, prev, r.hi); !ok {
			return false, false
		}
		if b.add(col, times[s:e], nil) {
			wrapped = true
		}
		s = e
	}
	for ; s < len(times); s++ { // the rest in order too
		if !(times[s] >= prev) {
			return false, false
		}
		prev = times[s]
	}
	return wrapped, true
}

// before returns the first index from s on whose time is limit or later,
// and the time before it (prev when none), checking that the times from s
// on up to there do not decrease from prev; ok is false when they do, or a
// NaN comes first.
func before(times []float64, s int, prev, limit float64) (end int, last float64, ok bool) {
	for ; s < len(times); s++ {
		t := times[s]
		if !(t >= prev) {
			return s, prev, false
		}
		if !(t < limit) {
			break
		}
		prev = t
	}
	return s, prev, true
}

// add counts times into col, a unit's counts, and reports whether a count
// wrapped around. d, when not nil, counts the times dropped (Dropped).
func (b *Binner) add(col []uint16, times []float64, d *drops) (wrapped bool) {
	// Locals, so that the loop keeps them in registers.
	base, t0, invWidth, inv, factor, bins, slot := b.base, b.base.T0, b.invWidth, b.inv, b.factor, b.bins, b.slot
	limit := bins * factor
	for _, t := range times {
		// The base bin is Index(t), nlb_tools' int(round(t/width, 6)),
		// and the coarse bin that base bin over factor. Away from
		// base-bin edges the base bin is the integer part of t/width, for
		// which v = t·(1/width) is as good and far cheaper: below 1e9
		// bins the two differ by less than 1e-6, so more than 1e-5 from
		// an edge (where the rounding to 6 decimals matters) they have
		// the same integer part; and then the coarse bin is the integer
		// part of v/factor, whose product form v·(1/factor), off by less
		// than 2.2e-7/factor, is more than 1e-5/factor from an integer.
		// Near edges, and below 1 (where int() truncates toward zero),
		// Index decides.
		var q int
		v := (t - t0) * invWidth
		if f := v - float64(int64(v)); v >= 1 && v < 1e9 && f > 1e-5 && f < 1-1e-5 {
			q = int(v * inv)
			if q >= bins {
				if d != nil && v >= float64(base.Bins) {
					d.outside++
				}
				continue
			}
		} else {
			if d != nil && !(v >= 0 && v < float64(limit)) {
				switch {
				case math.IsNaN(t):
					d.nan++
					continue
				case math.IsInf(t, 0):
					d.inf++
					continue
				case b.beforeGrid(t) || b.afterGrid(t):
					d.outside++
					continue
				}
			}
			i := base.Index(t)
			if uint(i) >= uint(limit) {
				continue
			}
			q = i / factor
		}
		if s := slot[q]; s >= 0 {
			c := col[s] + 1
			col[s] = c
			wrapped = wrapped || c == 0
		}
	}
	return wrapped
}

// Matrix returns the counts as rows × units (an empty matrix when there
// are none).
func (c *Counts) Matrix() *mat.Dense {
	if c.Rows == 0 || c.Units == 0 {
		return &mat.Dense{}
	}
	m := mat.NewDense(c.Rows, c.Units, nil)
	raw := m.RawMatrix()
	for u := 0; u < c.Units; u++ {
		for r, v := range c.Unit(u) {
			raw.Data[r*raw.Stride+u] = float64(v)
		}
	}
	return m
}
