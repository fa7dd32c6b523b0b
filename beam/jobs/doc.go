// Package jobs runs oblique's work on Apache Beam: the analysis of many
// recordings (Batch), the training and measures of a grid of networks
// (Sweep) and many recordings placed among networks (Compare), each as a
// Beam pipeline whose steps call the oblique library (package pipeline)
// and whose results are combined into the tables package reports defines.
//
// # Shape of a job
//
// A job's items (recordings, runs, settings) are spread over the runner's
// workers (a Reshuffle after their creation). Each item is worked on by
// one call of the library, with any panic turned into the item's error:
// a failed item has its error in the table's error column and never stops
// the others. A hung HDF5 read is ended by the reader's own time limit
// (package ingest/hdf5, OBLIQUE_HDF5_TIMEOUT where the build has it).
// Every item's result, as Arrow IPC bytes, goes to one last step that
// concatenates them in the items' order and writes the combined tables
// atomically (a temporary file renamed over the destination).
//
// # Idempotence
//
// Results are kept in a store (a directory; Store): one file per item,
// under a key made of everything that shapes the result — the tool's
// version, the input's path and SHA-256 digest, the preset's text and the
// settings. A job run again takes the stored result of an item whose key
// is unchanged (and whose source files still have the digests recorded)
// instead of computing it; failures are not reused. Training runs resume
// from their checkpoints, so a preempted worker's run continues where it
// stopped.
//
// # Runners
//
// Execute runs a pipeline on Prism in this process by default (with its
// web UI), or on the runner the Beam flags name (--runner, --endpoint,
// --environment_type): a stand-alone Prism or Flink job server through
// the portable job API, or Dataflow. Workers must see the same files as
// the launcher (the inputs, the store and the outputs): one machine, a
// shared file system, or LOOPBACK workers.
package jobs
