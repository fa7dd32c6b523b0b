// Package models trains the paper's recurrent networks and turns them into
// recordings (METHODS.md §5): Trainer runs the training loop (fresh batches
// of a task, noisy BPTT, Adam), Run keeps it in a directory with atomic
// checkpoints so that a stopped run resumes bit for bit, Open reads a run
// back, and Simulate runs a trained network on fresh trials and writes a
// recording that `oblique analyze` reads like any other — models and data
// share one analysis path.
//
// The network and its gradients are in models/rnn, the tasks in
// models/tasks.
//
// # Run directory
//
//	run.json          settings (resolved), seed, status, losses, timings, version
//	loss.arrow        the loss curve: step, loss (training batch), eval_loss
//	checkpoint.gob    weights, Adam's moments, step, random state, losses
//	                  (format 2: a SHA-256 checksum of the contents; see
//	                  checkpoint.go for the layout)
//	checkpoint.previous.gob
//	                  the checkpoint before, kept until the next save
//	weights_W.npy     N×N recurrent weights (float32 for a float32 run: the
//	                  values its engine computes with; float64 otherwise),
//	                  once the run is done
//	weights_W_in.npy  N×inputs
//	weights_W_out.npy outputs×N
//
// Every file is written atomically (internal/atomicfile): a run killed at
// any moment leaves the previous version of each file, and the weights,
// loss table and run.json of a save replace the earlier ones together. The
// checkpoint is written every Settings.CheckpointEvery steps, on
// interruption and at the end; resuming from it continues with the same
// batches and noise as an uninterrupted run, so the weights come out
// identical. A damaged checkpoint (its checksum does not match) is refused,
// and Resume falls back to the previous one, saying so (Run.Recovered).
//
// # Randomness
//
// Everything is drawn from PCG streams seeded with Settings.Seed: one for
// the initial weights, one for the training batches (each step also draws
// the seed of its noise realisation from it), one for the evaluation
// batch. Simulate has its own seed.
package models
