// milvus_go: gRPC servers configured exactly like Milvus's proxy
// (internal/distributed/proxy/service.go), so the interop suite can check how Milvus's own Go
// stack judges a client, next to tlsmatrix's C++ server.
//
//	mode 1: credentials.NewServerTLSFromFile(serverPemPath, serverKeyPath)
//	mode 2: tls.Config{Certificates, ClientAuth: RequireAndVerifyClientCert,
//	        ClientCAs from caPemPath, MinVersion: TLS 1.3}
//	other : plaintext
//
// One process serves many configurations (one listener each) because the suite needs hundreds
// of them and process start-up is the slow part. Input: a JSON array of
// {"name","mode","server_pem","server_key","ca_pem","listen","tls_min","tls_max"} on stdin (or in the file named by
// -config); "listen" is HOST:0 where the scenario's client dials (default 127.0.0.1:0).
// Output on stdout, one JSON object a line:
//
//	{"ports": {NAME: PORT, ...}, "errors": {NAME: "why it would not start", ...}}
//	{"event":"handshake","name":NAME,"remote":"127.0.0.1:PORT","ok":BOOL,"error":"...","version":"TLS 1.3","client_cert":BOOL}
//
// It runs until stdin closes (when the config came from -config), SIGINT/SIGTERM, or -duration.
//
// Build without module downloads (Debian's golang-google-grpc-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o milvus_go .
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

type config struct {
	Name      string `json:"name"`
	Mode      int    `json:"mode"`
	ServerPem string `json:"server_pem"`
	ServerKey string `json:"server_key"`
	CaPem     string `json:"ca_pem"`
	Listen    string `json:"listen"` // HOST:0 where the scenario's client dials; default 127.0.0.1:0
	// A scenario's server.tls_min / tls_max ("1.2", "1.3"; empty: Milvus's own). Not Milvus
	// settings: a floor below Milvus's own does not lower it.
	TLSMin string `json:"tls_min"`
	TLSMax string `json:"tls_max"`
}

var out = struct {
	sync.Mutex
	enc *json.Encoder
}{enc: json.NewEncoder(os.Stdout)}

func emit(v interface{}) {
	out.Lock()
	defer out.Unlock()
	_ = out.enc.Encode(v)
}

func tlsVersion(v string) uint16 {
	switch v {
	case "1.2":
		return tls.VersionTLS12
	case "1.3":
		return tls.VersionTLS13
	}
	return 0
}

// withVersions applies a scenario's server.tls_min / tls_max over Milvus's own settings.
func withVersions(cfg *tls.Config, c config) *tls.Config {
	if v := tlsVersion(c.TLSMin); v > cfg.MinVersion {
		cfg.MinVersion = v
	}
	if v := tlsVersion(c.TLSMax); v != 0 {
		cfg.MaxVersion = v
	}
	return cfg
}

// Milvus's proxy credentials, verbatim in behaviour.
func milvusCreds(c config) (credentials.TransportCredentials, error) {
	switch c.Mode {
	case 1:
		if c.TLSMin == "" && c.TLSMax == "" {
			return credentials.NewServerTLSFromFile(c.ServerPem, c.ServerKey)
		}
		// What NewServerTLSFromFile does, with the scenario's versions.
		cert, err := tls.LoadX509KeyPair(c.ServerPem, c.ServerKey)
		if err != nil {
			return nil, err
		}
		return credentials.NewTLS(withVersions(&tls.Config{Certificates: []tls.Certificate{cert}}, c)), nil
	case 2:
		cert, err := tls.LoadX509KeyPair(c.ServerPem, c.ServerKey)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		buf, err := os.ReadFile(c.CaPem)
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(buf) {
			return nil, fmt.Errorf("fail to append ca to cert")
		}
		return credentials.NewTLS(withVersions(&tls.Config{
			ClientAuth:   tls.RequireAndVerifyClientCert,
			Certificates: []tls.Certificate{cert},
			ClientCAs:    pool,
			MinVersion:   tls.VersionTLS13,
		}, c)), nil
	}
	return nil, nil
}

// loggingCreds reports every server-side handshake, with the error as Go's crypto/tls words it.
type loggingCreds struct {
	credentials.TransportCredentials
	name string
}

func (l loggingCreds) ServerHandshake(raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := l.TransportCredentials.ServerHandshake(raw)
	ev := map[string]interface{}{"event": "handshake", "name": l.name,
		"remote": raw.RemoteAddr().String(), "ok": err == nil}
	if err != nil {
		ev["error"] = err.Error()
	}
	if ti, ok := info.(credentials.TLSInfo); ok {
		ev["version"] = versionName(ti.State.Version)
		ev["client_cert"] = len(ti.State.PeerCertificates) > 0
	}
	emit(ev)
	return conn, info, err
}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

func main() {
	configPath := flag.String("config", "", "JSON file with the configurations (default: stdin)")
	duration := flag.Duration("duration", 0, "exit after this long (0: until stdin closes or a signal)")
	flag.Parse()

	var raw []byte
	var err error
	if *configPath != "" {
		raw, err = os.ReadFile(*configPath)
	} else {
		raw, err = io.ReadAll(os.Stdin)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "milvus_go:", err)
		os.Exit(2)
	}
	var configs []config
	if err := json.Unmarshal(raw, &configs); err != nil {
		fmt.Fprintln(os.Stderr, "milvus_go: config:", err)
		os.Exit(2)
	}

	ports := map[string]int{}
	errs := map[string]string{}
	var servers []*grpc.Server
	for _, c := range configs {
		creds, err := milvusCreds(c)
		if err != nil {
			// Milvus's proxy does not start when a file does not load.
			errs[c.Name] = err.Error()
			continue
		}
		var opts []grpc.ServerOption
		if creds != nil {
			opts = append(opts, grpc.Creds(loggingCreds{creds, c.Name}))
		}
		listen := c.Listen
		if listen == "" {
			listen = "127.0.0.1:0"
		}
		lis, err := net.Listen("tcp", listen)
		if err != nil {
			errs[c.Name] = err.Error()
			continue
		}
		s := grpc.NewServer(opts...)
		healthpb.RegisterHealthServer(s, health.NewServer())
		servers = append(servers, s)
		ports[c.Name] = lis.Addr().(*net.TCPAddr).Port
		go s.Serve(lis)
	}
	emit(map[string]interface{}{"ports": ports, "errors": errs})

	done := make(chan struct{}, 3)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; done <- struct{}{} }()
	if *duration > 0 {
		go func() { time.Sleep(*duration); done <- struct{}{} }()
	}
	if *configPath != "" {
		go func() { io.Copy(io.Discard, os.Stdin); done <- struct{}{} }()
	}
	<-done
	for _, s := range servers {
		s.Stop()
	}
}
