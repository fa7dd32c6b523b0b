package jobs

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	// Every runner the Go SDK has (Prism, the portable runner for Flink,
	// Spark and stand-alone Prism job servers, Dataflow), the local and
	// GCS file systems, and the reflection-free runtime.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

// Runner says where a job runs.
type Runner struct {
	// Name is the Beam runner (prism for the in-process default).
	Name string
	// Endpoint is the job server's address; UI the address of the
	// runner's web UI when known ("" otherwise).
	Endpoint, UI string
	// InProcess is true for the Prism started in this process.
	InProcess bool
}

func (r Runner) String() string {
	s := r.Name
	if r.InProcess {
		s = "prism (in-process)"
	}
	if r.Endpoint != "" && !r.InProcess {
		s += " at " + r.Endpoint
	}
	return s
}

// UIPort is the port of the in-process Prism's web UI: 8074 (a stand-alone
// Prism's) when free, else one the system chooses; -1 for none.
var UIPort = 8074

// local is the job server started in this process, shared by the jobs
// that run here.
var local struct {
	once     sync.Once
	endpoint string
	ui       string
	err      error
}

// startLocal starts Prism's job server (and its web UI) in this process.
func startLocal(ctx context.Context) (string, string, error) {
	local.once.Do(func() {
		port, err := freePort(0)
		if err != nil {
			local.err = err
			return
		}
		cli, err := prism.CreateJobServer(context.Background(), prism.Options{Port: port})
		if err != nil {
			local.err = fmt.Errorf("cannot start Prism: %w", err)
			return
		}
		local.endpoint = "localhost:" + strconv.Itoa(port)
		if UIPort >= 0 {
			ui, err := freePort(UIPort)
			if err != nil {
				ui, err = freePort(0)
			}
			if err == nil && prism.CreateWebServer(context.Background(), cli, prism.Options{Port: ui}) == nil {
				local.ui = "http://localhost:" + strconv.Itoa(ui)
			}
		}
	})
	return local.endpoint, local.ui, local.err
}

// freePort returns port if it can be listened on at localhost (0: a port
// the system chooses).
func freePort(port int) (int, error) {
	l, err := net.Listen("tcp", "localhost:"+strconv.Itoa(port))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Selected returns the runner that the Beam flags select: Prism in this
// process when --runner is empty or prism and no --endpoint is given.
func Selected() Runner {
	name := *runners.Runner
	if (name == "" || name == "prism") && *jobopts.Endpoint == "" {
		return Runner{Name: "prism", InProcess: true}
	}
	if name == "" {
		name = "prism"
	}
	return Runner{Name: name, Endpoint: *jobopts.Endpoint}
}

// Execute runs p on the runner the Beam flags select (Selected); started
// is called with it (and the UI's address) once the job is submitted.
// The in-process Prism runs the workers in this process (LOOPBACK).
func Execute(ctx context.Context, p *beam.Pipeline, started func(Runner)) error {
	if !beam.Initialized() {
		return fmt.Errorf("beam.Init was not called")
	}
	r := Selected()
	name := r.Name
	if r.InProcess {
		endpoint, ui, err := startLocal(ctx)
		if err != nil {
			return err
		}
		r.Endpoint, r.UI = endpoint, ui
		// The portable runner submits to the job server started here;
		// the flags are restored after, for a later job with others.
		defer func(e, env string) { *jobopts.Endpoint, *jobopts.EnvironmentType = e, env }(*jobopts.Endpoint, *jobopts.EnvironmentType)
		*jobopts.Endpoint, *jobopts.EnvironmentType = endpoint, "LOOPBACK"
		name = "universal"
	}
	if started != nil {
		started(r)
	}
	_, err := beam.Run(ctx, name, p)
	return err
}

// workerName names the process an item ran in: host:pid.
func workerName() string {
	h, _ := os.Hostname()
	return h + ":" + strconv.Itoa(os.Getpid())
}
