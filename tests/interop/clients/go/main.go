// tls_client_go: connects the way the Milvus Go SDK's stack does (grpc-go over crypto/tls) and
// says, per case, whether the server was accepted and why not.
//
// grpc-go's TLS credentials are a thin layer over crypto/tls: tls.Config{ServerName, RootCAs,
// Certificates, NextProtos: ["h2"]}, and the certificate checks are crypto/tls's own. So this
// client does exactly that handshake, then makes one gRPC call over it (net/http's HTTP/2): with
// TLS 1.3 a mode-2 server judges the client certificate only after the client's handshake has
// finished, and its verdict arrives as an alert during the call.
//
// Input on stdin: a JSON array of cases
//
//	{"id","address","trust","cert","key","server_name","tls_min","tls_max","plaintext"}
//
// trust/cert/key are file paths or empty (empty trust = the system roots); tls_max "1.2" caps the
// version, tls_min "1.3" raises the floor. Output: one JSON line per case {"id","ok","class","message","version","local"}.
// Standard library only: GO111MODULE=off go build.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

type testCase struct {
	ID         string `json:"id"`
	Address    string `json:"address"`
	Trust      string `json:"trust"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	ServerName string `json:"server_name"`
	TLSMax     string `json:"tls_max"`
	TLSMin     string `json:"tls_min"`
	Plaintext  bool   `json:"plaintext"` // secure=False: cleartext HTTP/2
}

type result struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Class   string `json:"class"`
	Message string `json:"message"`
	Version string `json:"version,omitempty"`
	Local   string `json:"local,omitempty"` // our address, to find the server's log line
}

const timeout = 5 * time.Second

// The HTTP/2 client preface and an empty SETTINGS frame.
var preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")

func buildConfig(c testCase) (*tls.Config, error) {
	cfg := &tls.Config{NextProtos: []string{"h2"}}
	host, _, err := net.SplitHostPort(c.Address)
	if err != nil {
		return nil, err
	}
	// grpc-go: the authority's host unless the caller overrides the server name.
	cfg.ServerName = host
	if c.ServerName != "" {
		cfg.ServerName = c.ServerName
	}
	if c.Trust != "" {
		pem, err := os.ReadFile(c.Trust)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificate in it", c.Trust)
		}
		cfg.RootCAs = pool
	}
	if c.Cert != "" || c.Key != "" {
		pair, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if c.TLSMin == "1.3" {
		cfg.MinVersion = tls.VersionTLS13
	}
	if c.TLSMax == "1.2" {
		cfg.MaxVersion = tls.VersionTLS12
	}
	return cfg, nil
}

// classify names the reason in the taxonomy's words where Go's error says it, and a generic
// class ("rejected_by_server", "connection_failed") where it does not.
func classify(err error, afterHandshake bool) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var insecure x509.InsecureAlgorithmError
	var critical x509.UnhandledCriticalExtension
	var ne net.Error
	msg := err.Error()
	switch {
	case errors.As(err, &unknown):
		// Go reports a chain it could not build as an unknown authority, but says why when the
		// candidate issuer was found and refused.
		if strings.Contains(msg, "insecure algorithm") || strings.Contains(msg, "cannot sign") {
			return "server_cert_invalid"
		}
		return "unknown_ca"
	case errors.As(err, &host):
		return "hostname_mismatch"
	case errors.As(err, &invalid):
		switch invalid.Reason {
		case x509.Expired:
			if strings.Contains(msg, "is before") {
				return "server_cert_not_yet_valid"
			}
			return "server_cert_expired"
		}
		return "server_cert_invalid"
	case errors.As(err, &insecure), errors.As(err, &critical):
		return "server_cert_invalid"
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		return "tls_to_plaintext"
	case strings.Contains(msg, "remote error: tls: "):
		return classifyAlert(msg[strings.Index(msg, "remote error: tls: ")+len("remote error: tls: "):])
	case strings.Contains(msg, "protocol version not supported"),
		strings.Contains(msg, "no supported versions"):
		return "protocol_mismatch"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case strings.Contains(msg, "connection refused"):
		return "connection_failed"
	case errors.Is(err, io.EOF), strings.Contains(msg, "connection reset"), strings.Contains(msg, "broken pipe"):
		return "rejected_by_server"
	}
	if afterHandshake {
		return "rejected_by_server"
	}
	return "unknown"
}

// classifyAlert maps the alert a server sent to the taxonomy (the server judged our client
// certificate or the protocol).
func classifyAlert(alert string) string {
	switch {
	case strings.HasPrefix(alert, "certificate required"):
		return "client_cert_missing"
	case strings.HasPrefix(alert, "unknown certificate authority"):
		return "client_cert_unknown_ca"
	case strings.HasPrefix(alert, "expired certificate"):
		return "client_cert_expired"
	case strings.HasPrefix(alert, "unsupported certificate"):
		return "client_cert_invalid"
	case strings.HasPrefix(alert, "protocol version not supported"):
		return "protocol_mismatch"
	}
	// "bad certificate" and the like: the server refused us without saying which check.
	return "rejected_by_server"
}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return ""
}

// grpcHealthCheck makes one unary gRPC call (grpc.health.v1.Health/Check, empty request) over
// the already-handshaken connection, with net/http's HTTP/2 client: a gRPC status in the headers
// or trailers proves the server accepted us (UNIMPLEMENTED does too).
func grpcHealthCheck(conn *tls.Conn, authority string) error {
	used := false
	tr := &http.Transport{
		ForceAttemptHTTP2: true,
		DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if used {
				return nil, errors.New("no second connection: one handshake per case")
			}
			used = true
			return conn, nil
		},
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: timeout}
	// Empty message: compressed flag 0, length 0.
	req, err := http.NewRequest("POST", "https://"+authority+"/grpc.health.v1.Health/Check",
		bytes.NewReader([]byte{0, 0, 0, 0, 0}))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("TE", "trailers")
	resp, err := client.Do(req)
	if err != nil {
		// net/http wraps the connection's error or retries on a new connection, losing it; a
		// tls.Conn keeps its first read error (the server's alert) and returns it again.
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, rerr := conn.Read(make([]byte, 1)); rerr != nil && !errors.Is(rerr, net.ErrClosed) {
			var ne net.Error
			if !(errors.As(rerr, &ne) && ne.Timeout()) {
				return rerr
			}
		}
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	status := resp.Header.Get("Grpc-Status")
	if status == "" {
		status = resp.Trailer.Get("Grpc-Status")
	}
	if status == "" {
		return fmt.Errorf("no grpc-status in the response (HTTP %d)", resp.StatusCode)
	}
	return nil
}

func run(c testCase) result {
	r := result{ID: c.ID}
	cfg, err := buildConfig(c)
	if err != nil {
		r.Class, r.Message = "client_config_error", err.Error()
		return r
	}
	raw, err := net.DialTimeout("tcp", c.Address, timeout)
	if err != nil {
		r.Class, r.Message = classify(err, false), err.Error()
		return r
	}
	defer raw.Close()
	r.Local = raw.LocalAddr().String()
	raw.SetDeadline(time.Now().Add(timeout))
	if c.Plaintext {
		// grpc-go's insecure credentials: the HTTP/2 preface in the clear; a gRPC server answers
		// with a SETTINGS frame, a TLS server with an alert or nothing.
		frame := make([]byte, 9)
		_, err := raw.Write(preface)
		if err == nil {
			_, err = io.ReadFull(raw, frame)
		}
		if err == nil && frame[3] == 0x4 {
			r.OK, r.Class = true, "ok"
			return r
		}
		if err == nil {
			err = fmt.Errorf("the server answered the HTTP/2 preface with % x", frame)
		}
		r.Class, r.Message = "rejected_by_server", err.Error()
		return r
	}
	conn := tls.Client(raw, cfg)
	if err := conn.Handshake(); err != nil {
		r.Class, r.Message = classify(err, false), err.Error()
		return r
	}
	r.Version = versionName(conn.ConnectionState().Version)
	// With TLS 1.3 a mode-2 server judges our certificate after our handshake has finished; its
	// verdict arrives as an alert during the call.
	if err := grpcHealthCheck(conn, c.Address); err != nil {
		r.Class, r.Message = classify(err, true), err.Error()
		return r
	}
	r.OK, r.Class = true, "ok"
	return r
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "tls_client_go: input:", err)
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, c := range cases {
		_ = enc.Encode(run(c))
	}
}
