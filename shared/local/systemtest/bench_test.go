package systemtest_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkIngest measures one upload of a generated policy from S3 to the
// table, through the queue, against moto_server: an upper bound, since the
// emulator is far slower than DynamoDB. It also reports the analysis alone
// and the heap in use after it, to size the function's memory.
//
//	go test ./shared/local/systemtest -run '^$' -bench Ingest -benchtime 3x
func BenchmarkIngest(b *testing.B) {
	for _, n := range []int{300, 3000} {
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			s := newSystem(b, options{})
			data := policyText("benchmark", n)
			var analysis time.Duration
			var heap uint64
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				key := fmt.Sprintf("bench/%d/policy.txt", i)
				s.put(key, data)
				msgs := s.receiveS3()
				b.StartTimer()
				if f := s.handle(msgs...); len(f) != 0 {
					b.Fatalf("ingest failed: %s", s.logs.String())
				}
				b.StopTimer()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap = max(heap, ms.HeapInuse)
				a0 := time.Now()
				s.analysis("policy.txt", data)
				analysis += time.Since(a0)
				b.StartTimer()
			}
			b.ReportMetric(float64(analysis.Milliseconds())/float64(i), "analysis-ms/op")
			b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
		})
	}
}
