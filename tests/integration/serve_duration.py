#!/usr/bin/python3
"""`serve --duration S` is one total deadline: a wait interrupted by a stop/continue (SIGSTOP,
SIGCONT: a debugger, `kill -STOP`, a container pause) ends at S, not S after the interruption.
Before the fix each interruption restarted the whole duration (3 s with a pause at 1 s: 4+ s)."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX  # noqa: E402

start = time.monotonic()
proc = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "0", "--duration", "3"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
first = proc.stdout.readline().strip()
if not first.startswith("listening on "):
    print(f"FAIL no listening line: {first!r}")
    proc.kill()
    sys.exit(1)
time.sleep(max(0.0, 1.5 - (time.monotonic() - start)))
proc.send_signal(signal.SIGSTOP)
time.sleep(0.3)
proc.send_signal(signal.SIGCONT)
try:
    rc = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    print("FAIL serve did not stop within 10 s of a 3 s --duration")
    sys.exit(1)
took = time.monotonic() - start
# 3 s plus start-up and shutdown; a restarted duration would take at least 1.5 + 3 = 4.5 s.
ok = rc == 0 and took < 4.2
print(("ok   " if ok else "FAIL ") + f"serve --duration 3 with a pause at 1.5 s: exit {rc} after {took:.2f} s")
sys.exit(0 if ok else 1)
