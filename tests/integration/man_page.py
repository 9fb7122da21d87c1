"""The man page the build generates (docs/man/, installed as share/man/man1/tlsmatrix.1.gz) is
well-formed roff (groff -ww reports nothing) and, rendered, carries every line of every command's
`--help` as this binary prints it: the page cannot drift from the flags.
"""
import gzip
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import BUILD_DIR, TLSMATRIX  # noqa: E402
BUILD = pathlib.Path(BUILD_DIR)
PAGE = BUILD / "docs" / "man" / "tlsmatrix.1.gz"
COMMANDS = [[], ["run"], ["certs"], ["certs", "gen"], ["certs", "scenario"], ["validate"], ["probe"],
            ["serve"], ["bench"]]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


if not PAGE.exists():
    fail("%s was not built (TLSMATRIX_MAN_PAGE=OFF?)" % PAGE)
roff = gzip.decompress(PAGE.read_bytes())
try:
    roff.decode("ascii")
except UnicodeDecodeError as e:
    fail("the page is not ASCII (non-ASCII must be written as \\[uXXXX]): %s" % e)

lint = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=roff, capture_output=True, timeout=60, check=False)
if lint.returncode != 0 or lint.stderr.strip():
    fail("groff -ww: exit %d:\n%s" % (lint.returncode, lint.stderr.decode(errors="replace")))

shown = subprocess.run(["groff", "-man", "-Tutf8", "-P-cbou", "-rLL=300n"], input=roff,
                       capture_output=True, timeout=60, check=True).stdout.decode("utf-8")


def normal(text):
    # groff's typography: minus signs, hyphens and curly quotes back to ASCII; spacing ignored.
    for fancy, plain in (("\u2212", "-"), ("\u2010", "-"), ("\u2018", "`"), ("\u2019", "'"),
                         ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip()


page_text = normal(shown)
lines_checked = 0
for args in COMMANDS:
    done = subprocess.run([TLSMATRIX, *args, "--help"], capture_output=True, text=True, timeout=60, check=True)
    for line in done.stdout.replace("Usage: " + TLSMATRIX, "Usage: tlsmatrix").splitlines():
        if not line.strip():
            continue
        lines_checked += 1
        if normal(line) not in page_text:
            fail("`tlsmatrix %s --help` line missing from the man page: %r" % (" ".join(args), line))
for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES"):
    if not re.search(r"^%s$" % section, shown, re.M):
        fail("no %s section" % section)
if "TLSMATRIX_SCENARIOS" not in page_text:
    fail("ENVIRONMENT does not name TLSMATRIX_SCENARIOS")
print("ok: the man page renders cleanly and carries all %d --help lines of %d commands" % (lines_checked, len(COMMANDS)))
