// Command localscale measures how fast the local system (make dev) answers
// the listings once it holds many policies: it starts the system on free
// ports, uploads N policies made from the sample policies in
// testdata/policies (each made distinct), waits until every one is
// processed, then times GET /policies and GET /labels/{label}/clauses, the
// first page and the pages after it. It does so twice in one run: with the
// local table's one index shard and with the deployed table's 16, the
// reference.
//
//	go run ./scripts/localscale [-n 300] [-requests 40]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/local/devstack"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/topology"
)

func main() {
	n := flag.Int("n", 300, "policies to upload")
	requests := flag.Int("requests", 40, "requests timed per route")
	flag.Parse()
	if err := run(*n, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "localscale:", err)
		os.Exit(1)
	}
}

type result struct {
	shards int
	ingest time.Duration
	routes map[string][]time.Duration
	// failed counts the requests that failed (a listing that ran over the
	// function's timeout answers 500); they count as taking the timeout.
	failed map[string]int
}

func run(n, requests int) error {
	samples, err := filepath.Glob(filepath.Join("testdata", "policies", "*.txt"))
	if err != nil || len(samples) == 0 {
		return fmt.Errorf("no sample policies in testdata/policies (run from the repository root)")
	}
	var results []result
	for _, shards := range []int{devstack.LocalShards, topology.Shards} {
		r, err := measure(shards, n, requests, samples)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	fmt.Printf("%d policies; %d requests per route; milliseconds\n", n, requests)
	fmt.Printf("%-32s %8s %8s %6s %8s %8s %6s %9s\n", "route", "p50 1", "p95 1", "fail", "p50 16", "p95 16", "fail", "p95 1/16")
	for _, route := range routeNames {
		a, b := results[0].routes[route], results[1].routes[route]
		fmt.Printf("%-32s %8.0f %8.0f %6d %8.0f %8.0f %6d %8.2fx\n", route, ms(pct(a, 50)), ms(pct(a, 95)), results[0].failed[route],
			ms(pct(b, 50)), ms(pct(b, 95)), results[1].failed[route], float64(pct(a, 95))/float64(pct(b, 95)))
	}
	fmt.Printf("ingest of all policies: %.1f s with 1 shard, %.1f s with 16\n", results[0].ingest.Seconds(), results[1].ingest.Seconds())
	return nil
}

var routeNames = []string{"/policies first page", "/policies next pages", "/labels/{label}/clauses first", "/labels/{label}/clauses next"}

func measure(shards, n, requests int, samples []string) (result, error) {
	ctx := context.Background()
	st, err := devstack.Start(ctx, devstack.Options{Shards: shards})
	if err != nil {
		return result{}, err
	}
	defer st.Close()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return result{}, err
	}
	client := s3.NewFromConfig(cfg, settings.S3Options(os.Getenv))
	start := time.Now()
	for i := range n {
		src := samples[i%len(samples)]
		data, err := os.ReadFile(src)
		if err != nil {
			return result{}, err
		}
		body := fmt.Sprintf("%s\n\nThis copy is number %d of the scale test.\n", data, i)
		key := fmt.Sprintf("scale/%03d-%s", i, filepath.Base(src))
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(st.Resources.Bucket), Key: aws.String(key),
			Body: strings.NewReader(body)}); err != nil {
			return result{}, err
		}
	}
	if err := waitAll(ctx, st, n); err != nil {
		return result{}, err
	}
	r := result{shards: shards, ingest: time.Since(start), routes: map[string][]time.Duration{}, failed: map[string]int{}}
	fmt.Fprintf(os.Stderr, "localscale: %d policies processed in %.0f s with %d shard(s); timing the listings\n", n, r.ingest.Seconds(), shards)
	timeout := time.Duration(topology.Lookup.TimeoutSeconds) * time.Second
	timed := func(route, path string) (string, error) {
		t0 := time.Now()
		body, err := st.Get(ctx, path)
		d := time.Since(t0)
		if err != nil {
			r.failed[route]++
			d = max(d, timeout)
		}
		r.routes[route] = append(r.routes[route], d)
		if err != nil {
			return "", nil
		}
		var page struct {
			NextCursor string `json:"nextCursor"`
		}
		return page.NextCursor, json.Unmarshal(body, &page)
	}
	for i := range requests {
		next, err := timed(routeNames[0], "/policies")
		if err != nil {
			return result{}, err
		}
		if next != "" {
			if _, err := timed(routeNames[1], "/policies?cursor="+url.QueryEscape(next)); err != nil {
				return result{}, err
			}
		}
		label := labels.All[i%len(labels.All)].Slug
		next, err = timed(routeNames[2], "/labels/"+label+"/clauses")
		if err != nil {
			return result{}, err
		}
		if next != "" {
			if _, err := timed(routeNames[3], "/labels/"+label+"/clauses?cursor="+url.QueryEscape(next)); err != nil {
				return result{}, err
			}
		}
	}
	return r, nil
}

// waitAll pages through GET /policies until n policies exist and none is
// PROCESSING. While the emulator is busy writing, a listing may run over
// the function's timeout; that only means: look again.
func waitAll(ctx context.Context, st *devstack.Stack, n int) error {
	deadline := time.Now().Add(20 * time.Minute)
	for time.Now().Before(deadline) {
		total, settled, cursor := 0, true, ""
		for {
			path := "/policies?limit=100"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			body, err := st.Get(ctx, path)
			if err != nil {
				total, settled = -1, false
				break
			}
			var page struct {
				Items []struct {
					Status string `json:"status"`
				} `json:"items"`
				NextCursor string `json:"nextCursor"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				return err
			}
			for _, p := range page.Items {
				total++
				settled = settled && p.Status != "PROCESSING"
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if total >= n && settled {
			return nil
		}
		time.Sleep(2 * time.Second)
	}
	return fmt.Errorf("%d policies were not all processed within 20 minutes", n)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
