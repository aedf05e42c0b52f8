package train

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// TestNetworkLearns checks that the network fits a small nonlinear problem
// (xorData).
func TestNetworkLearns(t *testing.T) {
	xs, ys, wt, idx := xorData(400)
	net := trainMLP(xs, ys, wt, idx, NetworkOptions{Hidden: 16, Epochs: 200, Rate: 0.01}, 1)
	h := make([]float32, net.hidden)
	wrong := 0
	for k := range xs {
		var out [labels.Count]float64
		net.forward(xs[k], h, &out)
		if (out[0] > 0) != (ys[k] == 1) {
			wrong++
		}
	}
	if wrong > 4 {
		t.Errorf("%d of %d wrong", wrong, len(xs))
	}
}

// xorData is n examples of a small nonlinear problem, each of weight 1:
// label 0 when the first two inputs have the same sign.
func xorData(n int) (xs [][]float32, ys []uint16, wt []float64, idx []int) {
	for i := range n {
		a, b := float32(i%2*2-1), float32(i/2%2*2-1)
		xs = append(xs, []float32{a * (1 + float32(i%7)/10), b * (1 + float32(i%5)/10), 0.3})
		y := uint16(0)
		if a*b > 0 {
			y = 1
		}
		ys = append(ys, y)
		wt = append(wt, 1)
		idx = append(idx, i)
	}
	return xs, ys, wt, idx
}

// TestMembersAverage checks that networks trained side by side give the
// mean of their logits, and that each member started elsewhere.
func TestMembersAverage(t *testing.T) {
	xs, ys, wt, idx := xorData(200)
	opt := NetworkOptions{Hidden: 8, Epochs: 20, Members: 3}
	wide := trainMembers(xs, ys, wt, idx, opt, 5)
	if wide.hidden != 24 {
		t.Fatalf("%d hidden units, want 3 x 8", wide.hidden)
	}
	var members []*mlp
	for m := range 3 {
		members = append(members, trainMLP(xs, ys, wt, idx, opt, memberSeed(5, m)))
	}
	if members[0].w1[0] == members[1].w1[0] {
		t.Error("two members started from the same weights")
	}
	hw := make([]float32, wide.hidden)
	h := make([]float32, 8)
	for k := range xs {
		var got, one [labels.Count]float64
		var want [labels.Count]float64
		wide.forward(xs[k], hw, &got)
		for _, n := range members {
			n.forward(xs[k], h, &one)
			for l := range one {
				want[l] += one[l] / 3
			}
		}
		for l := range got {
			if math.Abs(got[l]-want[l]) > 1e-4 {
				t.Fatalf("example %d label %d: side by side %v, mean of members %v", k, l, got[l], want[l])
			}
		}
	}
}

// TestModelScoresAsTrained checks that the weights file scores clauses as
// training computed them: the linear margins of the final weights, the best
// sentence margins, the network's logits over the word vectors' averages,
// the heading flag, the calibration and the sentence gates, computed here
// the plain way, give the scores the model computes from its tables (within
// what 8-bit weights and projections change).
func TestModelScoresAsTrained(t *testing.T) {
	ex := append(syntheticCorpus(240, 3, false), syntheticCorpus(240, 4, true)...)
	opt := Shipped()
	opt.Folds, opt.Seed, opt.Vectors = 3, 1, syntheticVectors()
	// Two members side by side, so that the file's network is theirs.
	opt.Network = &NetworkOptions{Hidden: 8, Epochs: 5, Members: 2}
	opt.SentGate = 0.5 // so that gates are used
	f, err := fitModel(context.Background(), ex, opt)
	if err != nil {
		t.Fatal(err)
	}
	file, err := encode(f.voc, f.params, f.w, f.net, f.memory, f.opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := classify.LoadBytes(file)
	if err != nil {
		t.Fatal(err)
	}
	p := f.params
	margins := func(in classify.Input) (out [labels.Count]float64) {
		rows, vals := m.FeatureVector(in, nil, nil)
		for l := range labels.Count {
			out[l] = float64(p.Bias[l])
			for k, r := range rows {
				out[l] += float64(vals[k]) * float64(f.w[int(r)*labels.Count+l])
			}
		}
		return out
	}
	calib := calibration(p.Calib)
	test := append(syntheticCorpus(30, 8, true), syntheticCorpus(30, 9, false)...)
	// Long clauses of several sentences, with a heading path.
	for k := range 10 {
		a, b := test[k], test[30+k]
		test = append(test, corpus.Example{Text: a.Text + " " + strings.ToUpper(b.Text[:1]) + b.Text[1:] + " And more words here.", Heading: a.Heading})
	}
	worst := 0.0
	for _, ex := range test {
		in := input(ex)
		var x evidence
		mg := margins(in)
		copy(x[:], mg[:])
		copy(x[labels.Count:], mg[:])
		sents := classify.Sentences(in.Text)
		var sentMargins [][labels.Count]float64
		if len(sents) > 1 {
			for i, s := range sents {
				sm := margins(classify.Input{Heading: in.Heading, Text: s})
				sentMargins = append(sentMargins, sm)
				for l, v := range sm {
					if i == 0 || v > x[labels.Count+l] {
						x[labels.Count+l] = v
					}
				}
			}
		}
		var logits [labels.Count]float64
		f.net.final.forward(opt.Vectors.dense(in), make([]float32, f.net.final.hidden), &logits)
		copy(x[2*labels.Count:], logits[:])
		if len(in.Heading) > 0 {
			x[3*labels.Count] = 1
		}
		want := calib.apply(&x)
		for _, sm := range sentMargins {
			xs := x
			copy(xs[:labels.Count], sm[:])
			copy(xs[labels.Count:2*labels.Count], sm[:])
			for l, v := range calib.apply(&xs) {
				if g := p.SentGate[l]; g > 0 && v >= g {
					want[l] = max(want[l], v)
				}
			}
		}
		got := m.ScoresInput(in)
		for l := range labels.Count {
			worst = max(worst, math.Abs(got[l]-want[l]))
		}
	}
	if worst > 0.03 {
		t.Errorf("scores differ by up to %.4f from training's computation", worst)
	}
	t.Logf("largest difference %.4f", worst)
}

// TestShippedOptionsAreTheEmbeddedModels checks that the shipped settings,
// with their defaults filled in as training fills them, are the options
// stored in the embedded model's notes: a new option must leave them as
// they were, or retraining would no longer give the shipped file byte for
// byte (a default of --networks once wrote "Members":1 there).
func TestShippedOptionsAreTheEmbeddedModels(t *testing.T) {
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	var stored struct {
		Options json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal([]byte(m.Meta()), &stored); err != nil || stored.Options == nil {
		t.Fatalf("the embedded model's notes hold no options: %v", err)
	}
	opt := Shipped()
	opt.Seed = 1 // policylens train's default
	opt.defaults()
	got, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(stored.Options, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("shipped options\n%s\nthe embedded model's\n%s", got, stored.Options)
	}
}
