package nwb

import (
	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/bufpool"
)

// UnitsPath is where NWB keeps the units table.
const UnitsPath = "/units"

// Units is the units table: one entry per unit, in the table's row order.
type Units struct {
	// ID is the units' id column (0, 1, … when the table has none).
	ID []int64
	// SpikeTimes holds each unit's spike times in seconds.
	SpikeTimes [][]float64
	// HeldOut is the heldout column of the Neural Latents Benchmark; nil
	// when the table has none.
	HeldOut []bool
	// ObsIntervals holds each unit's observation intervals [start, stop)
	// in seconds; nil when the table has no obs_intervals column.
	ObsIntervals [][][2]float64
	// Electrodes holds each unit's rows of the electrodes table; nil when
	// the table has no electrodes column.
	Electrodes [][]int64
}

// Len returns the number of units.
func (u *Units) Len() int { return len(u.SpikeTimes) }

// Units reads /units: ids, spike trains and, where present, heldout,
// obs_intervals and electrodes. It reads no other table.
func (f *File) Units() (*Units, error) {
	f.prefetchUnits()
	idx, err := f.spikeIndex()
	if err != nil {
		return nil, err
	}
	u, err := f.unitColumns(len(idx))
	if err != nil {
		return nil, err
	}
	spikes, err := f.r.ReadFloat64(UnitsPath + "/spike_times")
	if err != nil {
		return nil, err
	}
	u.SpikeTimes = make([][]float64, len(idx))
	for i := range u.SpikeTimes {
		lo, hi := bounds(idx, i)
		u.SpikeTimes[i] = spikes[lo:hi:hi]
	}
	return u, nil
}

// UnitsInfo reads /units as Units does but without the spike times: the
// SpikeTimes of the result is nil, and Count holds the number of units.
// Read the trains with EachSpikeTrain.
func (f *File) UnitsInfo() (u *Units, count int, err error) {
	f.prefetchUnits()
	idx, err := f.spikeIndex()
	if err != nil {
		return nil, 0, err
	}
	u, err = f.unitColumns(len(idx))
	return u, len(idx), err
}

// spikeBlock is how many spike times EachSpikeBlock reads at a time (unless
// one unit has more): 256 KB, which stays in the cache while it is used.
var spikeBlock = 1 << 15 // a variable for the tests

// EachSpikeTrain calls fn with the spike times of each unit of /units, in
// row order, reading the spike times a block at a time into one buffer, so
// that a long recording's spike times are never all in memory. times is
// only valid during the call. An error of fn stops the reading and is
// returned.
func (f *File) EachSpikeTrain(fn func(unit int, times []float64) error) error {
	return f.EachSpikeBlock(func(first int, trains [][]float64) error {
		for k, t := range trains {
			if err := fn(first+k, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachSpikeBlock is EachSpikeTrain a block at a time: it calls fn with the
// spike trains of consecutive units, trains[k] being unit first+k, for all
// the units whose spikes one read brought in (at least one), so that the
// caller can work on them in parallel. trains is only valid during the
// call.
//
// The next block is read while fn works on the current one (into a second
// buffer), so that reading and working overlap; no read is under way once
// EachSpikeBlock has returned.
func (f *File) EachSpikeBlock(fn func(first int, trains [][]float64) error) error {
	idx, err := f.spikeIndex()
	if err != nil {
		return err
	}
	type block struct {
		first, end int // units first … end−1
		buf        int // the buffer its times are in
		data       []float64
		err        error
	}
	// Two buffers, from a pool when the reader reads into buffers, so
	// that analysing file after file does not take fresh memory for each.
	var bufs [2][]float64
	_, into := f.r.(floatsInto)
	if into {
		for k := range bufs {
			bufs[k] = spikeBuffers.Get(spikeBlock)
		}
		defer func() {
			for _, b := range bufs {
				if cap(b) == spikeBlock { // not one grown for a large unit
					spikeBuffers.Put(b)
				}
			}
		}()
	}
	free := make(chan int, 2) // the buffers not in use
	free <- 0
	free <- 1
	ready := make(chan block, 1)
	done := make(chan struct{})
	go func() {
		defer close(ready)
		for i := 0; i < len(idx); {
			// Units i … j−1 fit one block (or unit i alone is larger).
			lo, hi := bounds(idx, i)
			j := i + 1
			for j < len(idx) {
				_, h := bounds(idx, j)
				if h-lo > spikeBlock {
					break
				}
				hi, j = h, j+1
			}
			b := block{first: i, end: j}
			select {
			case b.buf = <-free:
			case <-done:
				return
			}
			if into && cap(bufs[b.buf]) < hi-lo {
				bufs[b.buf] = make([]float64, hi-lo)
			}
			b.data, b.err = f.readFloats(UnitsPath+"/spike_times", lo, hi-lo, bufs[b.buf][:cap(bufs[b.buf])])
			select {
			case ready <- b:
			case <-done:
				return
			}
			if b.err != nil {
				return
			}
			i = j
		}
	}()
	defer func() {
		close(done)
		for range ready { // wait for the reader to stop
		}
	}()
	var trains [][]float64
	for b := range ready {
		if b.err != nil {
			return b.err
		}
		lo, _ := bounds(idx, b.first)
		trains = trains[:0]
		for u := b.first; u < b.end; u++ {
			a, c := bounds(idx, u)
			trains = append(trains, b.data[a-lo:c-lo:c-lo])
		}
		if err := fn(b.first, trains); err != nil {
			return err
		}
		free <- b.buf
	}
	return nil
}

// prefetchUnits names what spikeIndex and unitColumns ask.
func (f *File) prefetchUnits() {
	qs := []hdf5.Query{{Path: UnitsPath + "/spike_times", Dataset: true}, {Path: UnitsPath + "/spike_times_index", Dataset: true},
		{Path: UnitsPath + "/id"}, {Path: UnitsPath + "/heldout"}, {Path: UnitsPath + "/obs_intervals"}, {Path: UnitsPath + "/electrodes"}}
	f.prefetch(append(qs, columnQueries(UnitsPath, "heldout", "obs_intervals", "electrodes")...)...)
}

// spikeBuffers holds buffers of spikeBlock spike times for EachSpikeBlock.
var spikeBuffers bufpool.Pool

// unitColumns reads the columns of /units other than the spike times for
// n units.
func (f *File) unitColumns(n int) (*Units, error) {
	u := &Units{}
	var err error
	if u.ID, err = f.unitIDs(n); err != nil {
		return nil, err
	}
	if _, ok, err := f.exists(UnitsPath + "/heldout"); err != nil {
		return nil, err
	} else if ok {
		c, err := f.unitColumn("heldout", n)
		if err != nil {
			return nil, err
		}
		switch c.Kind {
		case Bool:
			u.HeldOut = c.Bools
		case Int:
			u.HeldOut = make([]bool, n)
			for i, x := range c.Ints {
				u.HeldOut[i] = x != 0
			}
		default:
			return nil, f.dtypeError(c.Path, c.Dtype, "a bool")
		}
	}
	if _, ok, err := f.exists(UnitsPath + "/obs_intervals"); err != nil {
		return nil, err
	} else if ok {
		c, err := f.unitColumn("obs_intervals", n)
		if err != nil {
			return nil, err
		}
		if c.Kind != Float && c.Kind != Int {
			return nil, f.dtypeError(c.Path, c.Dtype, "a number")
		}
		if len(c.Shape) != 2 || c.Shape[1] != 2 {
			return nil, f.errorf(c.Path, "shape %v, want [N 2]", c.Shape)
		}
		vals := c.Floats
		if c.Kind == Int {
			vals = make([]float64, len(c.Ints))
			for i, x := range c.Ints {
				vals[i] = float64(x)
			}
		}
		u.ObsIntervals = make([][][2]float64, n)
		for i := range n {
			lo, hi := c.Bounds(i)
			iv := make([][2]float64, hi-lo)
			for j := range iv {
				iv[j] = [2]float64{vals[2*(lo+j)], vals[2*(lo+j)+1]}
			}
			u.ObsIntervals[i] = iv
		}
	}
	if _, ok, err := f.exists(UnitsPath + "/electrodes"); err != nil {
		return nil, err
	} else if ok {
		c, err := f.unitColumn("electrodes", n)
		if err != nil {
			return nil, err
		}
		if c.Kind != Int || c.Width() != 1 {
			return nil, f.dtypeError(c.Path, c.Dtype, "an integer per row")
		}
		u.Electrodes = make([][]int64, n)
		for i := range n {
			lo, hi := c.Bounds(i)
			u.Electrodes[i] = c.Ints[lo:hi:hi]
		}
	}
	return u, nil
}

// unitColumn reads a column of /units and checks it has n rows.
func (f *File) unitColumn(name string, n int) (*Column, error) {
	c, err := f.ColumnValues(UnitsPath, name) // values: Units keeps no description
	if err != nil {
		return nil, err
	}
	if c.Rows() != n {
		return nil, f.errorf(c.Path, "%d rows, but /units has %d units", c.Rows(), n)
	}
	return c, nil
}

// unitIDs reads /units/id, or numbers the units from 0 when it is absent.
func (f *File) unitIDs(n int) ([]int64, error) {
	p := UnitsPath + "/id"
	if _, ok, err := f.exists(p); err != nil {
		return nil, err
	} else if !ok {
		id := make([]int64, n)
		for i := range id {
			id[i] = int64(i)
		}
		return id, nil
	}
	id, err := f.r.ReadInts(p)
	if err != nil {
		return nil, err
	}
	if len(id) != n {
		return nil, f.errorf(p, "%d ids for %d units", len(id), n)
	}
	return id, nil
}

// spikeIndex checks /units/spike_times and reads its index.
func (f *File) spikeIndex() ([]int64, error) {
	p := UnitsPath + "/spike_times"
	d, err := f.r.Dataset(p)
	if err != nil {
		return nil, err
	}
	if d.Dtype.Class != hdf5.Float && !d.Dtype.IsInteger() {
		return nil, f.dtypeError(p, d.Dtype, "a number")
	}
	if len(d.Shape) != 1 {
		return nil, f.errorf(p, "shape %v, want one dimension", d.Shape)
	}
	return f.readIndex(p+"_index", d.Shape[0])
}

// SpikeCounts returns the number of spikes of each unit, from the index
// alone.
func (f *File) SpikeCounts() ([]int, error) {
	idx, err := f.spikeIndex()
	if err != nil {
		return nil, err
	}
	n := make([]int, len(idx))
	for i := range n {
		lo, hi := bounds(idx, i)
		n[i] = hi - lo
	}
	return n, nil
}

// SpikeTimes reads the spike times of the unit in row i of /units, and only
// those.
func (f *File) SpikeTimes(i int) ([]float64, error) {
	idx, err := f.spikeIndex()
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(idx) {
		return nil, f.errorf(UnitsPath, "no unit %d: the table has %d", i, len(idx))
	}
	lo, hi := bounds(idx, i)
	return f.r.ReadFloat64Range(UnitsPath+"/spike_times", lo, hi-lo)
}
