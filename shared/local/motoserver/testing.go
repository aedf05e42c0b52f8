package motoserver

import (
	"testing"
)

// shared is the emulator of a test binary, started by the first test that
// needs it and stopped by RunTests.
var shared Lazy

// RunTests runs a package's tests and then stops the emulator if a test
// started it. Use it as the package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }
func RunTests(m *testing.M) int {
	code := m.Run()
	shared.Stop()
	return code
}

// ForTest returns the test binary's emulator, starting it on first use
// and pointing the AWS SDK's environment variables at it. The test fails
// when moto_server cannot be started.
func ForTest(t testing.TB) *Server {
	t.Helper()
	srv, err := shared.Get()
	if err != nil {
		t.Fatalf("this test needs moto_server: %v", err)
	}
	return srv
}
