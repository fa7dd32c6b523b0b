package tasks

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }

// TestShapes checks each task's size, the grid, the mask thinning, and that
// the same source state gives the same batch.
func TestShapes(t *testing.T) {
	want := map[string][4]int{ // inputs, outputs, steps, mask every
		"cycling":      {2, 2, 360, 5},
		"flipflop":     {3, 3, 125, 5},
		"mante":        {4, 1, 240, 5},
		"romo":         {1, 1, 145, 5},
		"complex-sine": {1, 1, 250, 2},
	}
	for _, name := range Names() {
		task, err := New(name)
		if err != nil {
			t.Fatal(err)
		}
		w := want[name]
		if task.Inputs() != w[0] || task.Outputs() != w[1] || task.Steps() != w[2] || task.MaskEvery() != w[3] {
			t.Errorf("%s: %d inputs, %d outputs, %d steps, mask every %d; want %v",
				name, task.Inputs(), task.Outputs(), task.Steps(), task.MaskEvery(), w)
		}
		b := task.Generate(newRand(), 7)
		if b.Trials != 7 || b.Steps != w[2] || len(b.Input) != 7*w[2]*w[0] || len(b.Target) != 7*w[2]*w[1] || b.Dt != 0.2 {
			t.Errorf("%s: batch shape %d×%d, %d inputs", name, b.Trials, b.Steps, len(b.Input))
		}
		for tr := 0; tr < b.Trials; tr++ {
			for s := 0; s < b.Steps; s++ {
				for _, m := range b.Scored(tr, s) {
					if m && s%w[3] != 0 {
						t.Fatalf("%s: step %d scored, not a multiple of %d", name, s, w[3])
					}
				}
			}
		}
		if b.Masked() == 0 {
			t.Errorf("%s: nothing scored", name)
		}
		if again := task.Generate(newRand(), 7); !reflect.DeepEqual(b, again) {
			t.Errorf("%s: the same seed gave different batches", name)
		}
	}
	if _, err := New("sine"); err == nil {
		t.Error("unknown task accepted")
	}
	for _, alias := range []string{"Flip-Flop", "complex_sine", " ROMO "} {
		if _, err := New(alias); err != nil {
			t.Errorf("%q: %v", alias, err)
		}
	}
}

func TestCycling(t *testing.T) {
	b := Cycling{}.Generate(nil, 4)
	for tr := 0; tr < 4; tr++ {
		ctx := tr % 2
		for s := 0; s < b.Steps; s++ {
			in := b.In(tr, s)
			pulse := 0.0
			if s < 5 {
				pulse = 1
			}
			if in[ctx] != pulse || in[1-ctx] != 0 {
				t.Fatalf("trial %d step %d: input %v", tr, s, in)
			}
			m := b.Scored(tr, s)
			if want := s >= 5 && s%5 == 0; m[0] != want || m[1] != want {
				t.Fatalf("trial %d step %d: mask %v", tr, s, m)
			}
			if s < 5 {
				continue
			}
			tp := float64(s-5) * 0.2 // t′ = t − 1
			sgn := 1 - 2*float64(ctx)
			out := b.Out(tr, s)
			if math.Abs(out[0]-math.Sin(sgn*2*math.Pi*0.1*tp)) > 1e-12 || math.Abs(out[1]-math.Cos(2*math.Pi*0.1*tp)) > 1e-12 {
				t.Fatalf("trial %d step %d: target %v", tr, s, out)
			}
		}
	}
	// One period is 10 τ = 50 steps: the target at t′ = 5 is (0, −1).
	if out := b.Out(0, 5+25); math.Abs(out[0]) > 1e-12 || math.Abs(out[1]+1) > 1e-12 {
		t.Errorf("half period: %v", out)
	}
	if b.Scored(0, 355)[0] != true || b.Scored(0, 359)[0] != false {
		t.Error("last scored step should be 355")
	}
}

// TestFlipFlop reconstructs the pulses from the inputs and checks the
// timing rules and, from them, every target and mask entry.
func TestFlipFlop(t *testing.T) {
	b := FlipFlop{}.Generate(newRand(), 200)
	for tr := 0; tr < b.Trials; tr++ {
		type pulse struct {
			at, ch int
			sign   float64
		}
		var pulses []pulse
		for s := 0; s < b.Steps; s++ {
			for ch, v := range b.In(tr, s) {
				if v == 0 {
					continue
				}
				if v != 1 && v != -1 {
					t.Fatalf("trial %d: pulse amplitude %v", tr, v)
				}
				if s == 0 || b.In(tr, s-1)[ch] != v {
					pulses = append(pulses, pulse{s, ch, v})
				}
			}
		}
		if len(pulses) < 3 || pulses[0].at >= 5 {
			t.Fatalf("trial %d: pulses %v", tr, pulses)
		}
		seen := map[int]bool{}
		for i, p := range pulses {
			if i < 3 {
				seen[p.ch] = true
			}
			if i == 0 {
				continue
			}
			gap := p.at - pulses[i-1].at
			switch {
			case i < 3 && gap != 11:
				t.Fatalf("trial %d: initial pulses %d steps apart, want 11 (2.2 τ)", tr, gap)
			case i >= 3 && (gap < 25 || gap >= 60):
				t.Fatalf("trial %d: pulses %d steps apart, want U[5, 12) τ", tr, gap)
			}
			if s := pulses[i-1].at; s+5 <= b.Steps && b.In(tr, s+4)[pulses[i-1].ch] == 0 {
				t.Fatalf("trial %d: pulse shorter than 1 τ", tr)
			}
		}
		if len(seen) != 3 {
			t.Fatalf("trial %d: the first three pulses hit channels %v", tr, seen)
		}
		for s := 0; s < b.Steps; s++ {
			for ch := 0; ch < 3; ch++ {
				var last *pulse
				for i := range pulses {
					if pulses[i].ch == ch && pulses[i].at <= s {
						last = &pulses[i]
					}
				}
				wantMask := last != nil && s >= last.at+10 && s%5 == 0
				if got := b.Scored(tr, s)[ch]; got != wantMask {
					t.Fatalf("trial %d step %d channel %d: mask %v, want %v", tr, s, ch, got, wantMask)
				}
				if wantMask && b.Out(tr, s)[ch] != last.sign {
					t.Fatalf("trial %d step %d channel %d: target %v, want %v", tr, s, ch, b.Out(tr, s)[ch], last.sign)
				}
			}
		}
	}
}

func TestMante(t *testing.T) {
	b := Mante{}.Generate(newRand(), 300)
	var noise []float64
	contexts := [2]int{}
	for tr := 0; tr < b.Trials; tr++ {
		var coh [2]float64
		ctx := -1
		for s := 0; s < b.Steps; s++ {
			in := b.In(tr, s)
			stim := s >= 15 && s < 115
			if stim {
				if in[0]+in[1] != 1 || (in[0] != 0 && in[0] != 1) {
					t.Fatalf("trial %d step %d: context %v", tr, s, in[:2])
				}
				if ctx < 0 {
					ctx = int(in[1])
				}
			} else {
				if in[0] != 0 || in[1] != 0 {
					t.Fatalf("trial %d step %d: context outside the stimulus", tr, s)
				}
				noise = append(noise, in[2], in[3])
			}
			if stim {
				coh[0] += in[2] / 100
				coh[1] += in[3] / 100
			}
			m := b.Scored(tr, s)[0]
			wantMask := (s < 115 || (s >= 140 && s < 240)) && s%5 == 0
			if m != wantMask {
				t.Fatalf("trial %d step %d: mask %v", tr, s, m)
			}
			if s < 140 && b.Out(tr, s)[0] != 0 {
				t.Fatalf("trial %d step %d: target %v before the decision", tr, s, b.Out(tr, s)[0])
			}
		}
		contexts[ctx]++
		// The stimulus mean is the coherence ± 0.1118/√100.
		for c := range coh {
			if math.Abs(coh[c]) < 1.0/8-0.06 || math.Abs(coh[c]) > 1+0.06 {
				t.Fatalf("trial %d: coherence %v", tr, coh[c])
			}
		}
		want := 1.0
		if coh[ctx] < 0 {
			want = -1
		}
		for s := 140; s < 240; s++ {
			if b.Out(tr, s)[0] != want {
				t.Fatalf("trial %d: decision target %v, want %v (coherences %v, context %d)", tr, b.Out(tr, s)[0], want, coh, ctx)
			}
		}
	}
	var ss float64
	for _, v := range noise {
		ss += v * v
	}
	sd := math.Sqrt(ss / float64(len(noise)))
	if want := 0.05 / math.Sqrt(0.2); math.Abs(sd-want) > 0.02*want {
		t.Errorf("sensory noise sd %.4f, want %.4f", sd, want)
	}
	if contexts[0] < 100 || contexts[1] < 100 {
		t.Errorf("contexts %v", contexts)
	}
}

func TestRomo(t *testing.T) {
	b := Romo{}.Generate(newRand(), 300)
	for tr := 0; tr < b.Trials; tr++ {
		var onsets []int
		var amps []float64
		for s := 0; s < b.Steps; s++ {
			v := b.In(tr, s)[0]
			if v != 0 && (s == 0 || b.In(tr, s-1)[0] != v) {
				onsets = append(onsets, s)
				amps = append(amps, v)
			}
		}
		if len(onsets) != 2 {
			t.Fatalf("trial %d: pulses at %v", tr, onsets)
		}
		for i, s := range onsets {
			for k := 0; k < 5; k++ {
				if b.In(tr, s+k)[0] != amps[i] {
					t.Fatalf("trial %d: pulse not 5 steps long", tr)
				}
			}
			if b.In(tr, s+5)[0] != 0 {
				t.Fatalf("trial %d: pulse longer than 5 steps", tr)
			}
			if amps[i] < 0.5 || amps[i] >= 1.5 {
				t.Fatalf("trial %d: amplitude %v", tr, amps[i])
			}
		}
		if math.Abs(amps[0]-amps[1]) < 0.2 {
			t.Fatalf("trial %d: amplitudes %v closer than 0.2", tr, amps)
		}
		if onsets[0] < 5 || onsets[0] >= 15 {
			t.Fatalf("trial %d: first pulse at step %d, want fixation U[1, 3) τ", tr, onsets[0])
		}
		if gap := onsets[1] - onsets[0] - 5; gap < 10 || gap >= 60 {
			t.Fatalf("trial %d: pulses %d steps apart, want U[2, 12) τ", tr, gap)
		}
		want := -1.0
		if amps[0] > amps[1] {
			want = 1
		}
		d0 := onsets[1] + 5 + 20
		for s := 0; s < b.Steps; s++ {
			dec := s >= d0 && s < d0+40
			if got := b.Scored(tr, s)[0]; got != (dec && s%5 == 0) {
				t.Fatalf("trial %d step %d: mask %v (decision from %d)", tr, s, got, d0)
			}
			if dec && b.Out(tr, s)[0] != want || !dec && b.Out(tr, s)[0] != 0 {
				t.Fatalf("trial %d step %d: target %v", tr, s, b.Out(tr, s)[0])
			}
		}
	}
}

func TestComplexSine(t *testing.T) {
	b := ComplexSine{}.Generate(newRand(), 50)
	for tr := 0; tr < b.Trials; tr++ {
		x := b.In(tr, 0)[0] - 0.25
		if x < 0 || x >= 1 {
			t.Fatalf("trial %d: input %v", tr, x+0.25)
		}
		f := 0.04 + 0.16*x
		for s := 0; s < b.Steps; s++ {
			if b.In(tr, s)[0] != x+0.25 {
				t.Fatalf("trial %d: input not constant", tr)
			}
			if math.Abs(b.Out(tr, s)[0]-math.Sin(2*math.Pi*f*float64(s)*0.2)) > 1e-12 {
				t.Fatalf("trial %d step %d: target %v", tr, s, b.Out(tr, s)[0])
			}
			if b.Scored(tr, s)[0] != (s%2 == 0) {
				t.Fatalf("trial %d step %d: mask", tr, s)
			}
		}
	}
}

func TestZeroLoss(t *testing.T) {
	b := Cycling{}.Generate(nil, 2)
	// sin² + cos² = 1 at every scored step, over 2 outputs.
	if z := b.ZeroLoss(); math.Abs(z-0.5) > 1e-12 {
		t.Errorf("cycling zero-output loss %v, want 0.5", z)
	}
	if z := (&Batch{}).ZeroLoss(); z != 0 {
		t.Errorf("empty batch: %v", z)
	}
}
