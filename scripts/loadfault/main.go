// Command loadfault runs policylens under load and faults against
// moto_server and prints what it did and whether anything was lost,
// duplicated or stuck (package faultload); it exits 1 if anything was.
//
//	go run ./scripts/loadfault -ops 100
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/policylens/policylens/shared/local/systemtest/faultload"
)

func main() {
	var cfg faultload.Config
	flag.IntVar(&cfg.Ops, "ops", 100, "writes to the bucket (PUTs and DELETEs)")
	flag.IntVar(&cfg.Keys, "keys", 0, "distinct keys (default: 2/5 of -ops)")
	flag.IntVar(&cfg.Uploaders, "uploaders", 16, "writes at the same time")
	flag.IntVar(&cfg.Invokers, "invokers", 4, "ingest invocations at the same time")
	flag.IntVar(&cfg.Crashes, "crashes", 2, "invocations killed mid-ingest")
	flag.Float64Var(&cfg.DuplicateShare, "duplicates", 0.25, "share of notifications delivered twice")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	flag.Parse()
	cfg.Progress = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := faultload.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadfault:", err)
		os.Exit(1)
	}
	fmt.Print(rep)
	if !rep.OK() {
		os.Exit(1)
	}
}
