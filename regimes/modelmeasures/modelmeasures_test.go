package modelmeasures

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/oblique-neuro/oblique/models/rnn"
	"github.com/oblique-neuro/oblique/models/tasks"
)

// testModel draws an untrained float64 network for task.
func testModel(task string, n int, scale rnn.OutScale, seed uint64) Model {
	t, _ := tasks.New(task)
	net := rnn.New(n, t.Inputs(), t.Outputs(), rnn.Init{OutScale: scale}, rand.NewPCG(seed, 1))
	return Model{Task: task, Net: net, Sigma: 0.2, InitNoise: 1, Precision: "float64"}
}

// quick are settings small enough for tests.
var quick = Settings{
	Trials:  8,
	Perturb: PerturbSettings{Amplitudes: 4, Times: 3},
	Noise:   NoiseSettings{Repeats: 4, Random: 200, Out: 20, PC: 20},
}

// TestRhoPlanted: states along one direction u (plus small noise) give
// ρ ≈ 1 with W = uᵀ and ρ ~ 1/√N with a random W.
func TestRhoPlanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, m = 100, 400
	u := make([]float64, n)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	y := mat.NewDense(m, n, nil)
	for r := 0; r < m; r++ {
		a := 3 * math.Sin(float64(r)/10)
		for i := range u {
			y.Set(r, i, a*u[i]+0.01*rng.NormFloat64())
		}
	}
	w := mat.NewDense(1, n, append([]float64(nil), u...))
	if rho := GeneralisedCorrelation(w, y); rho < 0.99 {
		t.Errorf("W along the states: ρ = %v, want ≈ 1", rho)
	}
	random := mat.NewDense(1, n, nil)
	for i := 0; i < n; i++ {
		random.Set(0, i, rng.NormFloat64())
	}
	if rho := GeneralisedCorrelation(random, y); rho > 3/math.Sqrt(n) {
		t.Errorf("random W: ρ = %v, want ~ 1/√N = %.2f", rho, 1/math.Sqrt(n))
	}
}

// TestOutputOnFirstPC plants a network whose output vector is its own first
// principal axis: ρ is large and one component fits the output exactly
// (D_fit = 1), while a random output vector of the same network gives a
// small ρ.
func TestOutputOnFirstPC(t *testing.T) {
	m := testModel("complex-sine", 64, rnn.Large, 3)
	s := quick
	s.NoPerturb, s.NoNoise = true, true
	ev, err := Evaluate(m, s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(m, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	randomRho := r.Rho
	pc1 := mat.Col(nil, 0, r.decomposition.V)
	m.Net.WOut = mat.NewDense(1, 64, pc1)
	r, err = Analyze(m, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ρ random W_out %.3f, W_out = PC₁ %.3f; D_var %d, D_fit %d", randomRho, r.Rho, r.DVar, r.DFit)
	if r.DFit != 1 || r.Fit[0].R2 < 0.999 {
		t.Errorf("W_out = PC₁: D_fit = %d (R²₁ = %v), want 1", r.DFit, r.Fit[0].R2)
	}
	if !(r.Rho > 0.5 && r.Rho > 3*randomRho) {
		t.Errorf("ρ = %.3f with W_out = PC₁, %.3f with a random W_out", r.Rho, randomRho)
	}
	_ = ev
}

// TestDissimilarityPlanted: a network against itself, against a copy with
// its units permuted, and states against a rotation of themselves all give
// 0; two different networks do not.
func TestDissimilarityPlanted(t *testing.T) {
	m := testModel("cycling", 40, rnn.Small, 5)
	s := quick
	ev, err := Evaluate(m, s)
	if err != nil {
		t.Fatal(err)
	}
	perm := rand.New(rand.NewPCG(9, 9)).Perm(40)
	p := mat.NewDense(40, 40, nil) // p[i, perm[i]] = 1: unit i of the copy is unit perm[i]
	for i, j := range perm {
		p.Set(i, j, 1)
	}
	cp := m
	cp.Net = &rnn.Network{W: new(mat.Dense), WIn: new(mat.Dense), WOut: new(mat.Dense)}
	var tmp mat.Dense
	tmp.Mul(p, m.Net.W)
	cp.Net.W.Mul(&tmp, p.T())
	cp.Net.WIn.Mul(p, m.Net.WIn)
	cp.Net.WOut.Mul(m.Net.WOut, p.T())
	// The copy's initial states must be the permuted ones for its states
	// to be the permuted states: run it from them.
	b := ev.Batch
	x0 := mat.NewDense(b.Trials, 40, nil)
	for tr := 0; tr < b.Trials; tr++ {
		x0.SetRow(tr, ev.States.RawRowView(tr*b.Steps))
	}
	var px0 mat.Dense
	px0.Mul(x0, p.T())
	var e rnn.Engine[float64]
	st, _ := e.SimulateFrom(cp.Net, b, &px0, rnn.Noise{}, true)
	y2 := dropSteps(st, b.Trials, b.Steps, ev.Dropped)
	q := randomRotation(40, 11)
	var rot mat.Dense
	rot.Mul(ev.Y, q)
	other, err := Evaluate(testModel("cycling", 40, rnn.Small, 6), s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		y    mat.Matrix
		zero bool
	}{{"itself", ev.Y, true}, {"permuted copy", y2, true}, {"rotated states", &rot, true}, {"another network", other.Y, false}} {
		d := Dissimilarity(ev.Y, c.y)
		t.Logf("%s: d = %.3g", c.name, d)
		// arccos near 1 turns rounding of 1e-16 into 1e-8.
		if c.zero && d > 1e-6 || !c.zero && d < 0.1 {
			t.Errorf("%s: d = %g", c.name, d)
		}
	}
}

func randomRotation(n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, seed))
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// TestPerturbPlanted uses a network without recurrence (W = 0: states
// decay to the input drive, x ← 0.8·x + 0.2·W_in·u) whose input weights are
// orthogonal to the output weights. A shift along W_in never reaches the
// output, so its loss is the unperturbed loss at every amplitude and time;
// a shift along W_out moves the output by a·‖w_out‖·0.8^Δt (Δt ≥ 25 steps
// before the window), which changes the loss.
func TestPerturbPlanted(t *testing.T) {
	m := testModel("romo", 30, rnn.Large, 7)
	m.Net.W.Zero()
	w := m.Net.WOut.RawRowView(0)
	in := m.Net.WIn.RawMatrix().Data // 30×1
	c := dot(in, w) / dot(w, w)
	for i := range in {
		in[i] -= c * w[i]
	}
	s := quick
	s.NoNoise = true
	r, err := Analyze(m, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := r.Perturbation
	for a := range p.Amplitudes {
		for ti := range p.Times {
			if l := p.Loss[In][a][ti]; math.Abs(l-p.Unperturbed) > 1e-9*p.Unperturbed {
				t.Errorf("input-direction shift of %.3g at t = %g: loss %v, unperturbed %v", p.Amplitudes[a], p.Times[ti], l, p.Unperturbed)
			}
		}
	}
	last := len(p.Amplitudes) - 1
	if math.Abs(p.Curve[Out][last]-p.Unperturbed) < 1e-3 {
		t.Errorf("output-direction shifts of %.3g leave the loss at %v (unperturbed %v)", p.Amplitudes[last], p.Curve[Out][last], p.Unperturbed)
	}
	t.Logf("window [%g, %g] from %g; curves out %v, in %v", p.Window.TMin, p.Window.TMax, p.Window.Start, p.Curve[Out], p.Curve[In])
}

// TestNoiseIsotropic: without recurrence the state noise stays isotropic,
// so the variance along output and PC directions equals that along random
// ones up to sampling error: 4 conditions × 15 degrees of freedom per step,
// correlated over about 5 steps (decay time 1 τ) in 250 steps, give about
// 3000 effective samples, 3 % standard error per direction; the tolerance
// is 10 %. (The PCs come from the condition-averaged states, here the
// strong constant input drive along W_in, not from the noise.)
func TestNoiseIsotropic(t *testing.T) {
	m := testModel("complex-sine", 30, rnn.Large, 8)
	m.Net.W.Zero()
	s := quick
	s.Noise = NoiseSettings{}
	s.NoPerturb = true
	r, err := Analyze(m, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	nc := r.Noise
	t.Logf("ratios out %.3f, pc %.3f (mean random variance %.4g)", nc.Ratio, nc.RatioPC, nc.MeanRandom)
	if math.Abs(nc.Ratio-1) > 0.1 || math.Abs(nc.RatioPC-1) > 0.1 {
		t.Errorf("isotropic noise: ratios %v, %v; want ≈ 1", nc.Ratio, nc.RatioPC)
	}
}

// TestSeeded checks that the seed fixes every number and is used.
func TestSeeded(t *testing.T) {
	m := testModel("flipflop", 32, rnn.Large, 9)
	run := func(seed uint64) *Result {
		s := quick
		s.Seed = seed
		r, err := Analyze(m, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(4), run(4), run(5)
	if a.Perturbation.AUC != b.Perturbation.AUC || a.Noise.Ratio != b.Noise.Ratio || a.Rho != b.Rho {
		t.Error("same seed, different numbers")
	}
	if a.Perturbation.AUC == c.Perturbation.AUC || a.Noise.Ratio == c.Noise.Ratio {
		t.Error("seeds 4 and 5 gave the same perturbation or noise numbers")
	}
}

// TestReference: two tasks whose clouds are offset on every axis by more
// than the regime separates them. Pooled, the held-out oblique network of
// task "b" is nearer the aligned centroid (it lies on task "a"'s aligned
// cloud); within its task it is on the oblique side. The score of a point
// is the mean of the per-task scores, and the bootstrap interval holds it.
func TestReference(t *testing.T) {
	var pts []Point
	add := func(task, regime string, g int, x [3]float64) {
		for k := 0; k < 3; k++ {
			d := 0.05 * float64(k-1)
			pts = append(pts, Point{Task: task, Regime: regime, Group: g,
				Axes: Axes{RhoSqrtN: math.Exp(x[0] + d), Ratio: math.Exp(x[1] - d), Slope: x[2] + d}})
		}
	}
	for g := 0; g < 3; g++ {
		d := 0.1 * float64(g-1)
		add("a", Aligned, g, [3]float64{1 + d, 0, 0.7 + d})
		add("a", Oblique, 10+g, [3]float64{0.2 + d, 0.1, 0.3 + d})
		add("b", Aligned, 20+g, [3]float64{3 + d, -1, 1.5 + d})
		add("b", Oblique, 30+g, [3]float64{2.2 + d, -0.9, 1.1 + d})
	}
	pooled, err := FitScorer(pts)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := FitReference(pts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ref.Tasks, []string{"a", "b"}) {
		t.Fatalf("tasks %v", ref.Tasks)
	}
	var own []Axes
	for _, p := range pts {
		if p.Group == 31 {
			own = append(own, p.Axes)
		}
	}
	centre := CentreOf(own)
	if s := pooled.Score(centre); s >= 0.5 {
		t.Errorf("pooled score of b's oblique network %v: the case does not test the per-task reference", s)
	}
	h := ref.HeldOut(pts, 31)
	if !(h.Own > 0.9) || h.Own != h.TaskScores[1] {
		t.Errorf("held out b oblique: own-task score %v, task scores %v", h.Own, h.TaskScores)
	}
	if want := (h.TaskScores[0] + h.TaskScores[1]) / 2; math.Abs(h.Score-want) > 1e-15 {
		t.Errorf("held-out mean %v, want %v", h.Score, want)
	}
	// On task a's aligned centroid: 0 for task a.
	var ca [3]float64
	n := 0.0
	for _, p := range pts {
		if p.Task == "a" && p.Regime == Aligned {
			c := p.Axes.Coords()
			for i := range ca {
				ca[i] += c[i]
			}
			n++
		}
	}
	a := Axes{RhoSqrtN: math.Exp(ca[0] / n), Ratio: math.Exp(ca[1] / n), Slope: ca[2] / n}
	pl, _, err := ScoreOf(pts, a, 300, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(pl.TaskScores[0]) > 1e-12 || math.Abs(pl.Score-(pl.TaskScores[0]+pl.TaskScores[1])/2) > 1e-15 {
		t.Errorf("task a's aligned centroid: task scores %v, mean %v", pl.TaskScores, pl.Score)
	}
	// Resampling task a's networks moves its centroids a little: the
	// interval of its score stays near 0, that of the mean between the
	// task intervals' means.
	if !(pl.TaskLo[0] >= 0 && pl.TaskHi[0] < 0.25) {
		t.Errorf("task a's aligned centroid: interval [%v, %v]", pl.TaskLo[0], pl.TaskHi[0])
	}
	if lo, hi := (pl.TaskLo[0]+pl.TaskLo[1])/2, (pl.TaskHi[0]+pl.TaskHi[1])/2; !(pl.Lo >= lo-1e-12 && pl.Hi <= hi+1e-12 && pl.Lo < pl.Hi) {
		t.Errorf("interval of the mean [%v, %v], task intervals %v %v", pl.Lo, pl.Hi, pl.TaskLo, pl.TaskHi)
	}
	// A task with one regime only has no scorer and is left out.
	one := append(slices.Clone(pts), Point{Task: "c", Regime: Aligned, Group: 40, Axes: a})
	r2, err := FitReference(one)
	if err != nil || r2.Scorers[2] != nil {
		t.Fatalf("task with one regime: %v, %v", r2, err)
	}
	if m, per := r2.Score(a); !math.IsNaN(per[2]) || math.Abs(m-pl.Score) > 1e-15 {
		t.Errorf("task with one regime: mean %v, per task %v", m, per)
	}
	if _, err := FitReference(one[len(one)-1:]); err == nil {
		t.Error("reference of one aligned network: no error")
	}
}

// TestScorer: points on the centroids score 0 and 1, the midpoint ½, and a
// coordinate without spread is left out.
func TestScorer(t *testing.T) {
	mk := func(regime string, g int, rhoSqrtN, ratio, slope float64) Point {
		return Point{Regime: regime, Group: g, Axes: Axes{RhoSqrtN: rhoSqrtN, Ratio: ratio, Slope: slope}}
	}
	var pts []Point
	for g := 0; g < 4; g++ {
		d := 0.1 * float64(g-1)
		pts = append(pts, mk(Aligned, g, math.Exp(2+d), math.Exp(-2+d), 0.4+d), mk(Oblique, 10+g, math.Exp(0+d), math.Exp(-0.5+d), 0.05+d))
	}
	sc, err := FitScorer(pts)
	if err != nil {
		t.Fatal(err)
	}
	at := func(x [3]float64) Axes {
		return Axes{RhoSqrtN: math.Exp(x[0]), Ratio: math.Exp(x[1]), Slope: x[2]}
	}
	mean := func(r string) [3]float64 {
		var m [3]float64
		n := 0.0
		for _, p := range pts {
			if p.Regime == r {
				c := p.Axes.Coords()
				for i := range m {
					m[i] += c[i]
				}
				n++
			}
		}
		for i := range m {
			m[i] /= n
		}
		return m
	}
	ca, co := mean(Aligned), mean(Oblique)
	var mid [3]float64
	for i := range mid {
		mid[i] = (ca[i] + co[i]) / 2
	}
	for _, c := range []struct {
		name string
		x    [3]float64
		want float64
	}{{"aligned centroid", ca, 0}, {"oblique centroid", co, 1}, {"midpoint", mid, 0.5}} {
		if got := sc.Score(at(c.x)); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: score %v, want %v", c.name, got, c.want)
		}
	}
	pl, _, err := ScoreOf(pts, at(ca), 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !(pl.Lo <= 0.01 && pl.Hi < 0.2) || pl.Score != pl.TaskScores[0] {
		t.Errorf("aligned centroid: score %v [%v, %v], task scores %v", pl.Score, pl.Lo, pl.Hi, pl.TaskScores)
	}
	// A recording without D_fit is scored on the other two coordinates.
	a := at(co)
	a.Ratio = math.NaN()
	if got := sc.Score(a); math.Abs(got-1) > 1e-12 {
		t.Errorf("oblique centroid without D_fit: score %v", got)
	}
}

// TestDependentWeights: output weights whose rows are linearly dependent
// (here two equal rows of a flip-flop network's three) span no plane of one
// direction per output; perturbations and noise compression say so instead
// of panicking.
func TestDependentWeights(t *testing.T) {
	m := testModel("flipflop", 20, rnn.Large, 9)
	m.Net.WOut.SetRow(2, m.Net.WOut.RawRowView(1))
	for _, skip := range []struct{ perturb, noise bool }{{false, true}, {true, false}} {
		s := quick
		s.NoPerturb, s.NoNoise = skip.perturb, skip.noise
		_, err := Analyze(m, s, nil)
		if err == nil || !strings.Contains(err.Error(), "W_out: linearly dependent") {
			t.Errorf("no perturbation %v, no noise %v: error %v, want one about W_out", skip.perturb, skip.noise, err)
		}
	}
}
