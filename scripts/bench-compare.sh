#!/usr/bin/env bash
# Measures, in one run, the reference and the product for TLS 1.3, RSA-2048, mode 1, over
# loopback, and prints the ratios the handshake-benchmark targets are stated in:
#   1. `openssl s_time -new` against `openssl s_server` (sequential, the classic reference)
#   2. `tlsmatrix bench --layer tls` (raw TLS, concurrency 2), with its library ceiling and bound
#   3. `tlsmatrix bench --layer grpc-server` (same configuration: a lean client makes one unary
#      gRPC call per connection to the in-process gRPC server: the server's cost)
#   4. `tlsmatrix bench --layer grpc-client` (a new gRPC channel per handshake: the client's cost)
#   5. mode 2 vs mode 1 and resumed vs full (raw TLS)
#   6. the outside reference: a Python grpcio loop (2 threads, a new secure channel per
#      Health/Check) against `tlsmatrix serve --tls-mode 1` with an RSA-2048 set
# The openssl CLI appears only here, as an independent reference; the product never runs it.
# Usage: scripts/bench-compare.sh [SECONDS]   (env TLSMATRIX: the binary, default build/tlsmatrix)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
bin=${TLSMATRIX:-build/tlsmatrix}
py=/usr/bin/python3
[ -x "$bin" ] || { echo "bench-compare: $bin not built (scripts/build.sh)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# 1. The reference: a fresh RSA-2048 certificate, s_server on a kernel-chosen port, s_time -new.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj /CN=localhost -days 1 2>/dev/null
# -www: serve connections one after another without reading stdin (which would end the server).
openssl s_server -www -accept 127.0.0.1:0 -cert "$work/cert.pem" -key "$work/key.pem" -tls1_3 \
  < /dev/null > "$work/s_server.out" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/s_server.out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "bench-compare: s_server did not start" >&2; cat "$work/s_server.out" >&2; exit 1; }
start=$(date +%s.%N)
openssl s_time -connect "127.0.0.1:$port" -new -tls1_3 -time "$secs" > "$work/s_time.out" 2>&1 || true
end=$(date +%s.%N)
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
conns=$(sed -n 's/^\([0-9]*\) connections in [0-9.]*s;.*/\1/p' "$work/s_time.out" | head -1)
[ -n "$conns" ] || { echo "bench-compare: s_time printed no result" >&2; cat "$work/s_time.out" >&2; exit 1; }
s_time_rate=$($py -c "print(f'{$conns / ($end - $start):.1f}')")
echo "openssl s_time -new: $conns handshakes in $($py -c "print(f'{$end - $start:.2f}')") s = $s_time_rate/s"

# 2-5. tlsmatrix, same configuration (and the mode/resumption variants).
common=(--keys rsa2048 --tls 1.3 --concurrency 2 --duration "$secs")
"$bin" bench --layer tls --modes 1,2 --resume "${common[@]}" --json "$work/tls.json"
server_ok=1
"$bin" bench --layer grpc-server --modes 1 "${common[@]}" --json "$work/server.json" || server_ok=0
grpc_ok=1
"$bin" bench --layer grpc-client --modes 1 "${common[@]}" --json "$work/grpc.json" || grpc_ok=0

# 6. Python grpcio: a new channel per call, as a Python client that churns channels does.
"$bin" certs gen --out "$work/py" --key rsa2048 > /dev/null
"$bin" serve --tls-mode 1 --server-pem "$work/py/server.pem" --server-key "$work/py/server.key" \
  --duration $((secs + 30)) > "$work/serve.out" 2>&1 &
server_pid=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's/^listening on //p' "$work/serve.out" | head -1)
  [ -n "$addr" ] && break
  sleep 0.05
done
py_rate=0
if [ -n "$addr" ]; then
  py_rate=$($py - "$addr" "$work/py/ca.pem" "$secs" <<'PY'
import sys, threading, time
import grpc
addr, ca, secs = sys.argv[1], open(sys.argv[2], "rb").read(), float(sys.argv[3])
creds = grpc.ssl_channel_credentials(root_certificates=ca)
opts = [("grpc.ssl_target_name_override", "localhost"), ("grpc.use_local_subchannel_pool", 1)]
count = [0, 0]
end = time.monotonic() + secs
def loop(i):
    while time.monotonic() < end:
        with grpc.secure_channel(addr, creds, options=opts) as ch:
            ch.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=5)
        count[i] += 1
start = time.monotonic()
ts = [threading.Thread(target=loop, args=(i,)) for i in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print(f"{sum(count) / (time.monotonic() - start):.1f}")
PY
) || py_rate=0
fi
kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=
echo "python grpcio, new channel per call: $py_rate/s"

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
$py - "$work/tls.json" "$work/grpc.json" "$s_time_rate" "$grpc_ok" "$work/server.json" "$server_ok" "$py_rate" <<'PY'
import json, sys
tls = json.load(open(sys.argv[1]))["results"]
s_time = float(sys.argv[3])
grpc = json.load(open(sys.argv[2]))["results"] if sys.argv[4] == "1" else []
server = json.load(open(sys.argv[5]))["results"] if sys.argv[6] == "1" else []

def pick(rows, mode, resume):
    for r in rows:
        if r["mode"] == mode and r["resume"] == resume:
            return r
    return None

base = pick(tls, 1, False)
rate = base["handshakes_per_s"]
print("\nTLS 1.3, RSA-2048, concurrency 2, loopback:")
print(f"  raw TLS {rate:.0f}/s; ceiling {base['ceiling_per_s']:.0f}/s; bound {base['bound_per_s']:.0f}/s")
rows = [("raw TLS / openssl s_time -new", rate / s_time, 2.0),
        ("raw TLS / library ceiling", base["fraction_of_ceiling"], 0.85)]
sv = pick(server, 1, False)
if sv:
    print(f"  grpc-server {sv['handshakes_per_s']:.0f}/s (server cost: one unary call per connection)")
    rows.append(("grpc-server / raw TLS", sv["handshakes_per_s"] / rate, 0.5))
g = pick(grpc, 1, False)
if g:
    print(f"  grpc-client {g['handshakes_per_s']:.0f}/s (client cost: a new channel per handshake)")
    rows.append(("grpc-client / raw TLS", g["handshakes_per_s"] / rate, None))
py_rate = float(sys.argv[7])
if py_rate > 0:
    rows.append(("python grpcio / raw TLS", py_rate / rate, None))
    if g:
        rows.append(("grpc-client / python grpcio", g["handshakes_per_s"] / py_rate, None))
m2 = pick(tls, 2, False)
r1 = pick(tls, 1, True)
r2 = pick(tls, 2, True)
rows.append(("mode 2 / mode 1 (full)", m2["handshakes_per_s"] / rate, None))
rows.append(("resumed / full (mode 1)", r1["handshakes_per_s"] / rate, None))
rows.append(("resumed / full (mode 2)", r2["handshakes_per_s"] / m2["handshakes_per_s"], None))
for name, value, target in rows:
    verdict = "" if target is None else ("  target >= %.2f: %s" % (target, "met" if value >= target else "MISSED"))
    print(f"  {name:32s} {value:6.2f}{verdict}")
if not sv:
    print("  grpc-server layer: not measured (see above)")
if not g:
    print("  grpc-client layer: not measured (see above)")
PY
