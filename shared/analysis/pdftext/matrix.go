package pdftext

// A matrix is a PDF transformation matrix [a b c d e f]: a point (x, y)
// goes to (a·x + c·y + e, b·x + d·y + f). Every product is converted to
// float64 explicitly, so that arm64 rounds it as amd64 does (no fused
// multiply-add; see analyze's TestPDFLayoutIsNotFused).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// upright returns the matrix that takes the page's default user space to
// the upright page (origin at the lower left of the crop box, the page's
// rotation applied), and the upright page's width and height.
func (pr *pageRef) upright() (ctm matrix, w, h float64) {
	x0, y0, x1, y1 := pr.box[0], pr.box[1], pr.box[2], pr.box[3]
	w, h = x1-x0, y1-y0
	ctm = matrix{1, 0, 0, 1, -x0, -y0}
	switch pr.rotate {
	case 90:
		ctm = ctm.mul(matrix{0, -1, 1, 0, 0, w})
		w, h = h, w
	case 180:
		ctm = ctm.mul(matrix{-1, 0, 0, -1, w, h})
	case 270:
		ctm = ctm.mul(matrix{0, 1, -1, 0, h, 0})
		w, h = h, w
	}
	return ctm, w, h
}

// apply returns the point (x, y) taken by m.
func (m matrix) apply(x, y float64) (float64, float64) {
	return float64(x*m[0]) + float64(y*m[2]) + m[4], float64(x*m[1]) + float64(y*m[3]) + m[5]
}

// mul returns m × n (PDF row-vector convention: m is applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		float64(m[0]*n[0]) + float64(m[1]*n[2]), float64(m[0]*n[1]) + float64(m[1]*n[3]),
		float64(m[2]*n[0]) + float64(m[3]*n[2]), float64(m[2]*n[1]) + float64(m[3]*n[3]),
		float64(m[4]*n[0]) + float64(m[5]*n[2]) + n[4], float64(m[4]*n[1]) + float64(m[5]*n[3]) + n[5],
	}
}
