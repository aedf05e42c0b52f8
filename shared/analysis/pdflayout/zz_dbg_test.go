package pdflayout

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/policylens/policylens/shared/analysis/pdftext"
)

func TestZZDump(t *testing.T) {
	path := os.Getenv("DUMP_PDF")
	if path == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(path)
	d, err := pdftext.Open(data, pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := strconv.Atoi(os.Getenv("DUMP_PAGE"))
	var pages []*PageRows
	for i := 0; i < d.NumPages(); i++ {
		p, _ := d.Page(i)
		pages = append(pages, Page(p))
	}
	removeRunning(pages)
	body := bodyStyle(pages)
	var lines []line
	for _, p := range pages {
		lines = append(lines, pageLines(p, body.size)...)
	}
	geom := regionGeometry(lines)
	for _, l := range lines {
		if l.page != want {
			continue
		}
		g := geom[regionKey{l.page, l.region}]
		fmt.Printf("r%d y=%.1f x0=%.1f x1=%.1f (L%.1f R%.1f) s=%.1f b=%v %q\n", l.region, l.y, l.x0, l.x1, g.left, g.right, l.size, l.bold, lineText(&l))
	}
}
