package jobs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Progress of a job is kept as marker files in a folder of its own (the
// store's runs/ID/): a worker creates STAGE-INDEX.running when it starts an
// item and renames it to STAGE-INDEX.done or .failed when the item ends.
// Any process that sees the folder (the launcher, a user's shell) can count
// them: Count does.

// markers is a job's progress folder.
type markers string

// How an item ended.
const (
	done   = "done"
	failed = "failed"
	reused = "reused" // done, by taking the stored result
)

// outcome is failed for an error message, else done.
func outcome(err string) string {
	if err != "" {
		return failed
	}
	return done
}

// start marks an item started; it returns the function that marks how it
// ended. Marking is best effort: a folder that cannot be written only loses
// the progress display.
func (m markers) start(stage string, index int, worker string) func(end string) {
	if m == "" {
		return func(string) {}
	}
	name := filepath.Join(string(m), fmt.Sprintf("%s-%d", stage, index))
	_ = os.WriteFile(name+".running", []byte(worker+" "+time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	return func(end string) {
		if os.Rename(name+".running", name+"."+end) != nil {
			_ = os.WriteFile(name+"."+end, nil, 0o644)
		}
	}
}

// Counts are the items of one stage of a job by state.
type Counts struct {
	Stage string
	Total int
	// Done counts the items that succeeded (Reused of them by taking the
	// stored result), Failed those that failed.
	Done, Reused, Failed, Running int
}

func (c Counts) String() string {
	waiting := c.Total - c.Done - c.Failed - c.Running
	return fmt.Sprintf("%s: %d/%d done (%d failed, %d reused), %d running, %d waiting",
		c.Stage, c.Done+c.Failed, c.Total, c.Failed, c.Reused, c.Running, max(waiting, 0))
}

// Count reads a job's progress folder for one stage of total items.
func Count(dir, stage string, total int) Counts {
	c := Counts{Stage: stage, Total: total}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), stage+"-")
		if !ok {
			continue
		}
		switch filepath.Ext(name) {
		case ".reused":
			c.Reused++
			c.Done++
		case ".done":
			c.Done++
		case ".failed":
			c.Failed++
		case ".running":
			c.Running++
		}
	}
	return c
}
