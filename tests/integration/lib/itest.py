"""Shared by every Python integration test (not a test itself: ctest globs only
tests/integration/*.py). Import it after putting this folder on sys.path:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402

TLSMATRIX, TLSMATRIX_SOURCE_DIR and TLSMATRIX_BUILD_DIR come from ctest; run by hand from the
checkout, the defaults find build/tlsmatrix."""

import os
import subprocess
import sys

SOURCE_DIR = os.environ.get("TLSMATRIX_SOURCE_DIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD_DIR = os.environ.get("TLSMATRIX_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
TLSMATRIX = os.path.abspath(os.environ.get("TLSMATRIX") or os.path.join(BUILD_DIR, "tlsmatrix"))


def fail(msg):
    """Stops the test at its first failure: the message on stderr, exit 1."""
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run_expect(args, want_rc, timeout=300, tail=3000):
    """Runs tlsmatrix with `args`; any exit status but `want_rc` fails the test with the command,
    the last `tail` characters of its stdout and all of its stderr."""
    done = subprocess.run([TLSMATRIX, *args], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != want_rc:
        fail("exit %d, want %d: %s\n%s%s" % (done.returncode, want_rc, " ".join(args), done.stdout[-tail:],
                                             done.stderr))
    return done


class Checks:
    """Counts assertions; prints each failure as it happens (with `output`, if given, below it),
    so a test goes on and reports every failure, then exits 1 through finish()."""

    def __init__(self, verbose=False, tail=None):
        self.verbose = verbose  # True: an "ok" line for each check that passes as well
        self.tail = tail  # show only the last `tail` characters of a failed check's output
        self.passed = 0
        self.failures = []

    def __call__(self, cond, what, output=""):
        if cond:
            self.passed += 1
            if self.verbose:
                print(f"ok   {what}", flush=True)
        else:
            self.failures.append(what)
            print(f"FAIL: {what}", flush=True)
            if output:
                if self.tail:
                    output = output[-self.tail:]
                print("     output was:\n" + "\n".join("     | " + line for line in output.splitlines()),
                      flush=True)
        return cond

    def fail(self, what, output=""):
        self(False, what, output)

    def __bool__(self):
        return not self.failures

    def finish(self, name):
        """The exit status: 1 if anything failed."""
        print(f"{name}: {self.passed} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0
