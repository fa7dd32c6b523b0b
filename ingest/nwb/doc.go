// Package nwb reads Neurodata Without Borders (NWB 2.x) files: the units
// table with its spike trains, interval tables such as trials, and time
// series, as stored in HDF5 by pynwb, MatNWB and the Neural Latents
// Benchmark (DANDI 000128, 000129, 000138, 000140).
//
// # The NWB subset supported
//
// Units (/units, a DynamicTable): spike_times with spike_times_index, a
// VectorIndex of any unsigned integer dtype holding cumulative exclusive
// ends, so unit i owns spike_times[index[i-1]:index[i]] (index[-1] = 0); id;
// the optional heldout (bool), obs_intervals with obs_intervals_index (N×2
// seconds) and electrodes (a DynamicTableRegion, ragged through
// electrodes_index or one per unit). See File.Units, File.SpikeTimes,
// File.SpikeCounts.
//
// DynamicTables (TimeIntervals such as /intervals/trials and /intervals/epochs,
// the electrodes table, /units itself): columns are read in the order of the
// group's colnames attribute; float, integer, boolean, string (fixed or
// variable length) and object-reference columns, 1-D or with trailing
// dimensions; ragged columns through <col>_index (one level of nesting). See
// File.Table.
//
// TimeSeries (any group with a data dataset and either timestamps or
// starting_time, anywhere: /acquisition, /processing/behavior, a path the
// user names): data (N or N×K…) converted to physical units as
// data·conversion + offset (offset is NWB 2.4+, 0 when absent), the unit of
// data's unit attribute, and time from timestamps, or from the scalar
// starting_time with its rate attribute. See File.TimeSeries and
// File.TimeSeriesRange.
//
// Everything else is listed but not interpreted: Inspect walks the file and
// summarises the units, every DynamicTable and every TimeSeries it finds,
// nested ones included, with a Warning per broken object (and, with
// InspectOptions.Values, a preview of each column's values). An NWB 1.x
// file is refused by Open with an error wrapping ErrNWB1.
// Scalar variable-length string attributes (neurodata_type, namespace,
// object_id) and object-reference attributes (a VectorIndex's target, a
// DynamicTableRegion's table, the file's .specloc) are read or passed over
// without trouble.
//
// # Reading only what is asked
//
// Each method reads the datasets it needs and no others: File.Units reads the
// units table, not the electrodes table; File.SpikeTimes reads one unit's
// spikes with a range read; Inspect reads shapes, dtypes, attributes, the
// index datasets, DynamicTableRegion columns and timestamps (a block at a
// time, to check them), never series data, and spike times only when asked
// for the columns' values.
//
// # The HDF5 reader
//
// A File works on an hdf5.Reader. Open uses the cgo implementation of package
// ingest/hdf5; New takes any Reader, such as a fake in tests. Built with
// CGO_ENABLED=0 this package still builds, and Open reports that HDF5 needs
// cgo.
//
// Errors name the file and the path inside it, as in
//
//	rec.nwb: /units/spike_times_index: dtype float32, want an unsigned integer
//
// and nothing here panics on a user's file.
package nwb
