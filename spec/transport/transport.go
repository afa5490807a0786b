// Package transport builds the HTTP clients and servers every Trebuchet
// process speaks the protocol over: HTTP/1.1 and cleartext HTTP/2 on one port,
// which is what Connect, gRPC and gRPC-Web need between them.
package transport

import (
	"net"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
)

// NewServer returns a server for handler that accepts HTTP/1.1 and cleartext
// HTTP/2 (gRPC clients use HTTP/2 with prior knowledge).
func NewServer(handler http.Handler) *http.Server {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &http.Server{
		Handler:           handler,
		Protocols:         &p,
		ReadHeaderTimeout: 10 * time.Second,
	}
}

// NewClient returns an HTTP client that speaks cleartext HTTP/2, so that
// Connect clients made with connect.WithGRPC can call gRPC servers written in
// any language.
func NewClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{
		Protocols:   &p,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}}
}

// BaseURL turns "host:port" into "http://host:port"; URLs pass unchanged.
func BaseURL(address string) string {
	if strings.Contains(address, "://") {
		return address
	}
	return "http://" + address
}

// ClientOptions are the Connect client options for calls between Trebuchet
// processes: the gRPC protocol, so any gRPC server can stand in for ours.
func ClientOptions() []connect.ClientOption {
	return []connect.ClientOption{connect.WithGRPC()}
}
