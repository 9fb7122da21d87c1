// tls_client_node: connects the way the Milvus Node SDK's stack does (grpc-js over Node's tls)
// and says, per case, whether the server was accepted and why not.
//
// grpc-js builds a secure context from (rootCerts, privateKey, certChain), passes
// `servername` (not for IP addresses) and, when grpc.ssl_target_name_override is set, checks the
// certificate with tls.checkServerIdentity(override, cert). This client does exactly that, then
// makes one gRPC call (Health/Check) over the connection with Node's http2, as grpc-js does: with
// TLS 1.3 a mode-2 server judges the client certificate only after the client's handshake.
//
// Input on stdin: a JSON array of {"id","address","trust","cert","key","server_name","tls_min","tls_max"}
// (paths or empty; empty trust = Node's bundled roots). Output: one JSON line per case
// {"id","ok","class","message","version","local"}. No npm packages.
'use strict';

const fs = require('fs');
const http2 = require('http2');
const net = require('net');
const tls = require('tls');

const TIMEOUT_MS = 5000;

// OpenSSL verify codes (as Node reports them) and alert codes, in the taxonomy's words.
const CODE_CLASS = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown_ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown_ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown_ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown_ca',
  CERT_UNTRUSTED: 'unknown_ca',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname_mismatch',
  CERT_HAS_EXPIRED: 'server_cert_expired',
  CERT_NOT_YET_VALID: 'server_cert_not_yet_valid',
  INVALID_PURPOSE: 'server_cert_invalid',
  INVALID_CA: 'server_cert_invalid',
  CA_MD_TOO_WEAK: 'server_cert_invalid',
  EE_KEY_TOO_SMALL: 'server_cert_invalid',
  CA_KEY_TOO_SMALL: 'server_cert_invalid',
  CERT_SIGNATURE_FAILURE: 'server_cert_invalid',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'server_cert_invalid',
  PATH_LENGTH_EXCEEDED: 'server_cert_invalid',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls_to_plaintext',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'client_cert_missing',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'client_cert_unknown_ca',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'client_cert_expired',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'client_cert_invalid',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'protocol_mismatch',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol_mismatch',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol_mismatch',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'rejected_by_server',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'rejected_by_server',
  // Go's TLS server refusing a ClientHello it cannot parse (an SNI ending in a dot).
  ERR_SSL_SSLV3_ALERT_UNEXPECTED_MESSAGE: 'rejected_by_server',
  ECONNRESET: 'rejected_by_server',
  EPIPE: 'rejected_by_server',
  ECONNREFUSED: 'connection_failed',
};

function classify(err) {
  if (err.code && CODE_CLASS[err.code]) return CODE_CLASS[err.code];
  // Verify errors Node has no name for arrive as UNSPECIFIED with OpenSSL's text.
  if (/too weak|too small|signature failure|key usage|subtree violation|unhandled critical extension/i.test(err.message)) {
    return 'server_cert_invalid';
  }
  if (/socket disconnected|socket hang up|closed/i.test(err.message)) return 'rejected_by_server';
  return 'unknown';
}

function readOptional(path) {
  return path ? fs.readFileSync(path) : undefined;
}

// secure=False: gRPC over cleartext HTTP/2, as grpc-js's createInsecure() does.
function runPlaintext(c) {
  return new Promise((resolve) => {
    const result = { id: c.id, ok: false, class: 'unknown', message: '' };
    let settled = false;
    const session = http2.connect(`http://${c.address}`);
    const finish = (ok, cls, msg) => {
      if (settled) return;
      settled = true;
      Object.assign(result, { ok, class: cls, message: msg || '' });
      clearTimeout(timer);
      session.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(false, 'timeout', 'no answer in time'), TIMEOUT_MS);
    const refused = (e) => e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message);
    const fail = (e) => finish(false, refused(e) ? 'connection_failed' : 'rejected_by_server',
      `${e.code || ''}: ${e.message}`);
    session.on('error', fail);
    session.on('close', () => finish(false, 'rejected_by_server', 'connection closed'));
    session.on('connect', () => {
      const s = session.socket;
      if (s) result.local = `${s.localAddress}:${s.localPort}`;
    });
    const req = session.request({
      ':method': 'POST', ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc', te: 'trailers',
    });
    let status;
    req.on('response', (h) => { status = h['grpc-status'] ?? status; });
    req.on('trailers', (t) => { status = t['grpc-status'] ?? status; });
    req.on('error', fail);
    req.on('data', () => {});
    req.on('end', () => (status !== undefined ? finish(true, 'ok')
      : finish(false, 'rejected_by_server', 'no grpc-status in the response')));
    req.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

function runCase(c) {
  if (c.plaintext) return runPlaintext(c);
  return new Promise((resolve) => {
    const result = { id: c.id, ok: false, class: 'unknown', message: '' };
    let opts;
    try {
      const idx = c.address.lastIndexOf(':');
      // "[::1]:port": the host without its brackets, as grpc-js splits the target.
      const host = c.address.slice(0, idx).replace(/^\[(.*)\]$/, '$1');
      const port = Number(c.address.slice(idx + 1));
      const name = c.server_name || host;
      opts = {
        host,
        port,
        ALPNProtocols: ['h2'],
        secureContext: tls.createSecureContext({
          ca: readOptional(c.trust),
          cert: readOptional(c.cert),
          key: readOptional(c.key),
          minVersion: c.tls_min === '1.3' ? 'TLSv1.3' : undefined,
          maxVersion: c.tls_max === '1.2' ? 'TLSv1.2' : undefined,
        }),
        // grpc-js sends SNI only for DNS names and checks the override's name itself.
        servername: net.isIP(name) ? undefined : name,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
      };
    } catch (e) {
      result.class = 'client_config_error';
      result.message = e.message;
      resolve(result);
      return;
    }
    let settled = false;
    let session;
    const finish = (ok, cls, msg) => {
      if (settled) return;
      settled = true;
      result.ok = ok;
      result.class = cls;
      result.message = msg || '';
      clearTimeout(timer);
      if (session) session.destroy();
      socket.destroy();
      resolve(result);
    };
    const fail = (e) => finish(false, classify(e), `${e.code || ''}: ${e.message}`);
    const socket = tls.connect(opts);
    const timer = setTimeout(() => finish(false, 'timeout', 'no answer in time'), TIMEOUT_MS);
    socket.on('connect', () => {
      result.local = `${socket.localAddress}:${socket.localPort}`;
    });
    socket.on('error', fail);
    socket.on('secureConnect', () => {
      result.version = socket.getProtocol().replace('TLSv', 'TLS ');
      // One gRPC call over this very connection (grpc-js also rides on Node's http2).
      session = http2.connect(`https://${c.address}`, { createConnection: () => socket });
      session.on('error', fail);
      const req = session.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      let status;
      req.on('response', (headers) => { status = headers['grpc-status'] ?? status; });
      req.on('trailers', (trailers) => { status = trailers['grpc-status'] ?? status; });
      req.on('error', fail);
      req.on('data', () => {});
      req.on('end', () => {
        if (status !== undefined) finish(true, 'ok');
        else finish(false, 'rejected_by_server', 'no grpc-status in the response');
      });
      req.end(Buffer.from([0, 0, 0, 0, 0]));
    });
    socket.on('close', () => finish(false, 'rejected_by_server', 'connection closed'));
  });
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
  for (const c of cases) {
    process.stdout.write(JSON.stringify(await runCase(c)) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`tls_client_node: ${e.stack}\n`);
  process.exit(2);
});
