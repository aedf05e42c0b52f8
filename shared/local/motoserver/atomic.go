package motoserver

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DynamoDB applies every write atomically: of two conditional writes to
// one item at the same time, one fails its condition. moto_server, which
// serves requests on several threads, does not: both may succeed. The
// store's conditional claims rely on it, so the emulator's DynamoDB is
// reached through a proxy that lets one write through at a time (reads run
// side by side). Environment variables of Env point the SDK at it.
type writeSerializer struct {
	srv *http.Server
	ln  net.Listener
	mu  sync.Mutex
	rp  *httputil.ReverseProxy
}

// dynamoWrites are the DynamoDB operations the proxy runs one at a time.
var dynamoWrites = []string{".PutItem", ".UpdateItem", ".DeleteItem", ".BatchWriteItem", ".TransactWriteItems"}

func startWriteSerializer(target string) (*writeSerializer, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w := &writeSerializer{ln: ln, rp: httputil.NewSingleHostReverseProxy(u)}
	// A client that gives up on a request is not news.
	w.rp.ErrorLog = log.New(io.Discard, "", 0)
	w.srv = &http.Server{Handler: w, ReadHeaderTimeout: 10 * time.Second}
	go w.srv.Serve(ln)
	return w, nil
}

func (w *writeSerializer) URL() string { return "http://" + w.ln.Addr().String() }

func (w *writeSerializer) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	for _, op := range dynamoWrites {
		if strings.HasPrefix(target, "DynamoDB_") && strings.HasSuffix(target, op) {
			w.mu.Lock()
			defer w.mu.Unlock()
			break
		}
	}
	w.rp.ServeHTTP(rw, r)
}

func (w *writeSerializer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	w.srv.Shutdown(ctx)
}
