package localapi

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"time"
)

// targetHeader carries the request target exactly as the client sent it.
// The guard adds it first, so that a client cannot pass its own in its
// place: Event reads the first value only.
const targetHeader = "X-Localapi-Raw-Target"

// HTTPServer returns the HTTP server to serve s on Listener(ln). It takes
// one request per connection, so that every request line passes the guard.
func (s *Server) HTTPServer() *http.Server {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv.SetKeepAlivesEnabled(false)
	return srv
}

// Listener wraps ln so that every request reaches the handler with its
// target as sent, as API Gateway passes it on: Go's HTTP server answers a
// path with a malformed percent-escape ("/policies/%zz") with a plain-text
// 400 of its own before any handler runs. The guard escapes such a '%' as
// %25 in the request line and hands the original target to Event in a
// header.
func (s *Server) Listener(ln net.Listener) net.Listener { return guardListener{ln} }

type guardListener struct{ net.Listener }

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c, r: bufio.NewReader(c)}, nil
}

type guardConn struct {
	net.Conn
	r       *bufio.Reader
	started bool
	pending []byte
}

func (c *guardConn) Read(p []byte) (int, error) {
	if !c.started {
		c.started = true
		line, err := c.r.ReadSlice('\n')
		if err == nil {
			c.pending = guardRequestLine(line)
		} else {
			c.pending = append([]byte(nil), line...)
		}
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.r.Read(p)
}

// guardRequestLine rewrites "METHOD TARGET VERSION\r\n": malformed
// percent-escapes in the target's path become %25 escapes, and a header
// line with the original target follows.
func guardRequestLine(line []byte) []byte {
	f := bytes.Fields(line)
	if len(f) != 3 {
		return line
	}
	target := f[1]
	path, query, hasQuery := bytes.Cut(target, []byte("?"))
	var fixed []byte
	for i := 0; i < len(path); i++ {
		if path[i] == '%' && (i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2])) {
			fixed = append(fixed, "%25"...)
			continue
		}
		fixed = append(fixed, path[i])
	}
	if hasQuery {
		fixed = append(append(fixed, '?'), query...)
	}
	var b bytes.Buffer
	b.Write(f[0])
	b.WriteByte(' ')
	b.Write(fixed)
	b.WriteByte(' ')
	b.Write(f[2])
	b.WriteString("\r\n" + targetHeader + ": ")
	b.Write(target)
	b.WriteString("\r\n")
	return b.Bytes()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
