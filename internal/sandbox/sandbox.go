// Package sandbox takes from the everynode process what it never needs
// and an attacker would: the network and the programs on the machine.
//
// It is the second wall. The first is that nothing a repository holds is
// ever interpreted as something to fetch or run: kustomize sees only
// local files that everynode resolved inside the repository
// (internal/kustomize). Should a path through kustomize or a library still try,
// Install makes it fail: every HTTP request through the default transport
// and client fails before a socket is opened, every DNS lookup through the
// default resolver fails, and with PATH empty, exec.LookPath finds no
// program (kustomize's git cloner and Helm look theirs up by name).
package sandbox

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
)

// ErrNetwork is the error of every request and lookup once Install ran.
var ErrNetwork = errors.New("everynode never uses the network: this request was refused before any connection was made")

// Transport is an http.RoundTripper that refuses every request.
type Transport struct{}

// RoundTrip implements http.RoundTripper.
func (Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, ErrNetwork
}

// Install applies the sandbox to the whole process. The CLI calls it first
// thing in main; nothing can undo it short of a library making its own
// transport, dialer and absolute program paths, which no code path that
// reads a repository does.
func Install() {
	http.DefaultTransport = Transport{}
	http.DefaultClient = &http.Client{Transport: Transport{}}
	net.DefaultResolver = &net.Resolver{
		PreferGo: true,
		Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, ErrNetwork
		},
	}
	// No program can be found by name. everynode itself runs none.
	os.Setenv("PATH", "")
}
