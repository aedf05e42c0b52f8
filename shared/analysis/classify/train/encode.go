package train

import (
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// encode writes the weights file: the parameters, the vocabulary's
// sections, the weight codes, the network's per-word table and the notes.
func encode(voc *vocab, p *modelfile.Params, w []float32, net *networkRun, memory []byte, opt Options, notes []byte) ([]byte, error) {
	var wr modelfile.Writer
	var codes []byte
	p.WeightScale, codes = modelfile.Quantize(w)
	if net != nil {
		n, v := net.final, opt.Vectors
		p.Hidden, p.Words = n.hidden, len(v.Words)
		p.B1, p.W2, p.B2 = n.b1, n.w2, n.b2
		var proj []byte
		p.ProjScale, proj = modelfile.QuantizeColumns(n.project(v), 2*n.hidden)
		hashes := make([]uint64, len(v.Words))
		weights := make([]byte, len(v.Words))
		for k, word := range v.Words {
			hashes[k] = classify.WordHash(word)
			weights[k] = weightCode(float64(v.Weight[k]))
		}
		slots, hashBytes, err := modelfile.WordTable(hashes)
		if err != nil {
			return nil, err
		}
		wr.Add(modelfile.SecWordSlots, slots)
		wr.Add(modelfile.SecWordHashes, hashBytes)
		wr.Add(modelfile.SecWordWeights, weights)
		wr.Add(modelfile.SecProjections, proj)
	}
	wr.Add(modelfile.SecParams, p.Encode())
	if err := voc.addSections(&wr, opt.Features); err != nil {
		return nil, err
	}
	wr.Add(modelfile.SecCodes, codes)
	if memory != nil {
		wr.Add(modelfile.SecMemory, memory)
	}
	wr.Add(modelfile.SecNotes, notes)
	return wr.Bytes(), nil
}
