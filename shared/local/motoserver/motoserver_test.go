package motoserver

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"
)

func TestNotInstalled(t *testing.T) {
	_, err := Start(context.Background(), Options{Program: "no-such-moto-server"})
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), `pip install "moto[server]"`) {
		t.Errorf("error %v, want one saying how to install moto_server", err)
	}
}

// The server answers on loopback, and Stop ends it.
func TestStartStop(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.Env()["AWS_ENDPOINT_URL"] != s.URL {
		t.Errorf("URL %s, env %v", s.URL, s.Env())
	}
	resp, err := http.Get(s.URL + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pid := s.PID()
	s.Stop()
	s.Stop() // twice is fine
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("moto_server %d still runs after Stop", pid)
	}
	if _, err := http.Get(s.URL + "/moto-api/"); err == nil {
		t.Error("the server still answers after Stop")
	}
}
