package mentions

import (
	"strings"
	"testing"
)

var zzWords = strings.Fields(`we collect use share store process your personal information data
	account email address device location cookies services partners providers advertising
	analytics security legal rights access delete request retain period consent law
	the of and to with for by when you our may in on from about this that`)

func zzText() string {
	r := uint64(2)
	var b strings.Builder
	for b.Len() < 1960 {
		r = r*6364136223846793005 + 1442695040888963407
		b.WriteString(zzWords[(r>>33)%uint64(len(zzWords))])
		b.WriteByte(' ')
	}
	b.WriteString("end.")
	return b.String()
}

func BenchmarkZZRandom(b *testing.B) {
	t := zzText()
	for b.Loop() {
		find(t, true)
	}
}
