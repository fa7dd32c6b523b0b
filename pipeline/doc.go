// Package pipeline is oblique as a library: everything the command line
// does, callable from a Go program, a test or a distributed job, with
// settings structs in, typed results and errors out, and no writer, flag
// or exit status inside.
//
// # Recordings
//
// Analyze reads recordings — manifests (package manifest: NPY/NPZ/MAT
// arrays and how to preprocess them), or data files read with a preset
// (AnalyzeOptions.Preset; Presets lists them) — and measures each one's
// regime (METHODS.md §3–4): the cross-validated ridge decoder of behaviour
// from activity, the correlation ρ between activity and decoder, the
// variance and fitting dimensions, and how ρ scales with subsampled neurons
// and samples. Each recording gets an Analysis; one that fails carries its
// error, naming the file, and the others still run:
//
//	rows, err := pipeline.Analyze(ctx, []string{"data/golub2018_bci/before.toml"},
//		pipeline.AnalyzeOptions{Settings: pipeline.AnalysisSettings{Seed: 1}})
//	for _, a := range rows {
//		if a.Err != nil { … }
//		fmt.Println(a.Name, a.Result.Rho, a.Result.DFit, a.Result.DVar)
//	}
//
// Results that come out NaN or infinite are errors wrapping ErrNonFinite.
//
// # Networks
//
// LoadRuns loads trained networks: the 30 bundled ones, or run directories
// that Train wrote (OpenRun creates or resumes one; Sweep lists a sweep's
// runs and SweepState says where each stands). MeasureRuns measures them as
// the paper's Figs. 3–6 do (ρ, norms, dimensions, perturbations, noise
// compression; METHODS.md §4–5) and summarises each setting (task × regime
// × N × g), with the dissimilarity between its seeds. Simulate runs a
// trained network on fresh trials and writes them as a recording.
//
// # Recordings against networks
//
// Compare places an analysed recording among networks: each network is run
// through the recording's own pipeline (its units subsampled to the
// recording's neuron count), and a regime score places the recording
// between the aligned (0) and oblique (1) networks of each task.
//
// # Conventions
//
// Long functions take a context.Context, checked between items (recordings,
// runs, networks) and, in training, between steps; the items not reached
// carry ctx's error. They report progress through a Progress callback
// (nil for none). Every random draw comes from the settings' Seed: the same
// seed gives the same numbers, bit for bit on one kernel path of one
// machine. Errors wrap with %w: test them with errors.Is against this
// package's sentinels (ErrNonFinite, ErrSettings, ErrNoTask, ErrNoRuns,
// ErrInterrupted, ErrUnknownFormat, ErrNoPreset, ErrManifestWithPreset)
// and the readers' (package ingest; a data file given as a manifest wraps
// manifest.ErrInvalid).
//
// Package reports turns the results into terminal tables, Arrow IPC files
// (through the leaf package arrowtable) and the HTML report; the oblique
// command (internal/cli) only parses flags, calls this package and reports,
// and prints.
package pipeline
