package train

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// mlp is a one-hidden-layer network over a clause's dense features (the
// weighted averages of the word vectors of its text and of its heading
// path): ReLU hidden units, one logit per label. Its logits are
// calibration inputs beside the linear margins.
type mlp struct {
	in, hidden int
	w1         []float32 // hidden x in
	b1         []float32
	w2         []float32 // labels.Count x hidden
	b2         [labels.Count]float32
}

// NetworkOptions configure the network; zero fields take the defaults
// noted.
type NetworkOptions struct {
	Hidden int     // hidden units; 0 means 64
	Epochs int     // 0 means 30
	Rate   float64 // Adam step; 0 means 0.002
	L2     float64 // weight decay; 0 means 1e-4
	// Members is the number of networks trained from different starts
	// whose logits are averaged (0 means 1). The average of networks of
	// one hidden layer is one network with their hidden units side by
	// side, so the model file holds it as one.
	Members int `json:",omitempty"`
}

func (o *NetworkOptions) defaults() {
	if o.Hidden == 0 {
		o.Hidden = 64
	}
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.Rate == 0 {
		o.Rate = 0.002
	}
	if o.L2 == 0 {
		o.L2 = 1e-4
	}
	// Members stays 0 for one network, so that the notes stored with
	// the weights, and so the file, are those of the models before it.
}

// memberSeed is the seed of member m of a network whose first member's is
// seed.
func memberSeed(seed uint64, m int) uint64 { return seed + uint64(m)*104729 }

// trainMembers fits opt.Members networks (trainMLP) from different seeds
// and returns their average as one network (side by side).
func trainMembers(xs [][]float32, y []uint16, wt []float64, idx []int, opt NetworkOptions, seed uint64) *mlp {
	opt.defaults()
	nets := make([]*mlp, max(opt.Members, 1))
	for m := range nets {
		nets[m] = trainMLP(xs, y, wt, idx, opt, memberSeed(seed, m))
	}
	return sideBySide(nets)
}

// sideBySide returns the network whose logits are the mean of the logits
// of nets (of the same inputs): their hidden units together, each
// network's second layer divided by their number.
func sideBySide(nets []*mlp) *mlp {
	if len(nets) == 1 {
		return nets[0]
	}
	out := &mlp{in: nets[0].in}
	for _, n := range nets {
		out.hidden += n.hidden
		out.w1 = append(out.w1, n.w1...)
		out.b1 = append(out.b1, n.b1...)
	}
	k := float32(len(nets))
	out.w2 = make([]float32, 0, labels.Count*out.hidden)
	for l := range labels.Count {
		for _, n := range nets {
			for _, w := range n.w2[l*n.hidden : (l+1)*n.hidden] {
				out.w2 = append(out.w2, w/k)
			}
			out.b2[l] += n.b2[l] / k
		}
	}
	return out
}

// forward writes the logits of x to out; h receives the hidden layer.
func (n *mlp) forward(x []float32, h []float32, out *[labels.Count]float64) {
	for j := range n.hidden {
		s := n.b1[j]
		row := n.w1[j*n.in : j*n.in+n.in]
		for i, v := range x {
			s += row[i] * v
		}
		h[j] = max(s, 0)
	}
	for l := range labels.Count {
		s := n.b2[l]
		row := n.w2[l*n.hidden : l*n.hidden+n.hidden]
		for j, v := range h {
			s += row[j] * v
		}
		out[l] = float64(s)
	}
}

// trainMLP fits a network to the dense inputs xs (each of length in) of the
// examples idx, with labels y and example weights wt, by Adam on the
// weighted binary cross-entropy. Deterministic for a seed.
func trainMLP(xs [][]float32, y []uint16, wt []float64, idx []int, opt NetworkOptions, seed uint64) *mlp {
	opt.defaults()
	in := len(xs[idx[0]])
	n := &mlp{in: in, hidden: opt.Hidden,
		w1: make([]float32, opt.Hidden*in), b1: make([]float32, opt.Hidden),
		w2: make([]float32, labels.Count*opt.Hidden)}
	rng := rand.New(rand.NewPCG(seed, 0x31337))
	s1 := float32(math.Sqrt(2 / float64(in)))
	for i := range n.w1 {
		n.w1[i] = float32(rng.NormFloat64()) * s1
	}
	s2 := float32(math.Sqrt(1 / float64(opt.Hidden)))
	for i := range n.w2 {
		n.w2[i] = float32(rng.NormFloat64()) * s2
	}
	// Parameters flattened for Adam: w1, b1, w2, b2.
	params := [][]float32{n.w1, n.b1, n.w2, n.b2[:]}
	m1 := make([][]float32, len(params))
	m2 := make([][]float32, len(params))
	grad := make([][]float32, len(params))
	for i, p := range params {
		m1[i] = make([]float32, len(p))
		m2[i] = make([]float32, len(p))
		grad[i] = make([]float32, len(p))
	}
	const batch = 32
	const beta1, beta2, eps = 0.9, 0.999, 1e-8
	order := append([]int(nil), idx...)
	h := make([]float32, opt.Hidden)
	dh := make([]float32, opt.Hidden)
	var out [labels.Count]float64
	step := 0
	for range opt.Epochs {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for b0 := 0; b0 < len(order); b0 += batch {
			for i := range grad {
				clear(grad[i])
			}
			end := min(b0+batch, len(order))
			for _, k := range order[b0:end] {
				x := xs[k]
				n.forward(x, h, &out)
				clear(dh)
				for l := range labels.Count {
					t := 0.0
					if y[k]&(1<<l) != 0 {
						t = 1
					}
					g := float32((logistic(out[l]) - t) * wt[k])
					grad[3][l] += g
					row := n.w2[l*n.hidden : l*n.hidden+n.hidden]
					grow := grad[2][l*n.hidden : l*n.hidden+n.hidden]
					for j, v := range h {
						grow[j] += g * v
						dh[j] += g * row[j]
					}
				}
				for j := range n.hidden {
					if h[j] <= 0 {
						continue
					}
					g := dh[j]
					grad[1][j] += g
					grow := grad[0][j*n.in : j*n.in+n.in]
					for i, v := range x {
						grow[i] += g * v
					}
				}
			}
			step++
			scale := float32(1) / float32(end-b0)
			c1 := 1 - math.Pow(beta1, float64(step))
			c2 := 1 - math.Pow(beta2, float64(step))
			lr := float32(opt.Rate * math.Sqrt(c2) / c1)
			for i, p := range params {
				decay := float32(opt.L2)
				if i == 1 || i == 3 {
					decay = 0
				}
				for j := range p {
					g := grad[i][j]*scale + decay*p[j]
					m1[i][j] = beta1*m1[i][j] + (1-beta1)*g
					m2[i][j] = beta2*m2[i][j] + (1-beta2)*g*g
					p[j] -= lr * m1[i][j] / (float32(math.Sqrt(float64(m2[i][j]))) + eps)
				}
			}
		}
	}
	return n
}

// networkRun is the network's out-of-fold logits and the network fitted on
// all the data.
type networkRun struct {
	oof   [][labels.Count]float64
	final *mlp
}

// trainNetwork fits the network per fold on the other folds, giving every
// example out-of-fold logits, then on all the examples.
func trainNetwork(ctx context.Context, examples []corpus.Example, weight []float64, fold []int, opt Options) *networkRun {
	n := len(examples)
	xs := make([][]float32, n)
	ys := make([]uint16, n)
	for k, ex := range examples {
		xs[k] = opt.Vectors.dense(input(ex))
		ys[k] = uint16(ex.Labels)
	}
	r := &networkRun{oof: make([][labels.Count]float64, n)}
	runJobs(ctx, opt.Folds, opt.Workers, func(f int) {
		net := trainMembers(xs, ys, weight, outside(fold, f), *opt.Network, opt.Seed+uint64(f)*7919)
		h := make([]float32, net.hidden)
		for k := range n {
			if fold[k] == f {
				net.forward(xs[k], h, &r.oof[k])
			}
		}
	})
	all := make([]int, n)
	for k := range all {
		all[k] = k
	}
	r.final = trainMembers(xs, ys, weight, all, *opt.Network, opt.Seed+1<<40)
	return r
}
