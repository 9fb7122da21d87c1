#!/usr/bin/env python3
"""Builds tlsmatrix.1 (and tlsmatrix.1.gz) from tlsmatrix.1.in and the built binary's --help.

The COMMANDS section is each command's --help exactly as the binary prints it, so the man page
cannot drift from the flags; the hand-written sections around it are short and stable (exit codes,
environment, files). Run by docs/CMakeLists.txt at build time; stdlib only.

usage: make_manpage.py BINARY TEMPLATE OUT_DIR VERSION
"""
import gzip
import os
import re
import subprocess
import sys

# The order of the COMMANDS section: each entry is one `tlsmatrix ... --help`.
COMMANDS = [[], ["run"], ["certs"], ["certs", "gen"], ["certs", "scenario"], ["validate"], ["probe"],
            ["serve"], ["bench"]]


def roff_text(line):
    """One line of plain text for a no-fill block: roff's escape, control and dash characters."""
    out = []
    for ch in line:
        if ch == "\\":
            out.append("\\e")
        elif ch == "-":
            out.append("\\-")  # an ASCII hyphen-minus, so flags copy and paste
        elif ord(ch) > 127:
            out.append("\\[u%04X]" % ord(ch))
        else:
            out.append(ch)
    text = "".join(out)
    return "\\&" + text if text.startswith((".", "'")) else text


def help_text(binary, args):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    done = subprocess.run([binary, *args, "--help"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit("make_manpage: %s %s --help: exit %d: %s"
                 % (binary, " ".join(args), done.returncode, done.stderr.strip()))
    # CLI11 prints argv[0] in the usage line; the reader types `tlsmatrix`.
    return done.stdout.replace("Usage: " + binary, "Usage: tlsmatrix").rstrip("\n")


def commands_section(binary):
    parts = []
    for args in COMMANDS:
        title = " ".join(["tlsmatrix", *args])
        parts.append('.SS "%s"' % title)
        parts.append(".nf")
        parts.extend(roff_text(line) for line in help_text(binary, args).split("\n"))
        parts.append(".fi")
    return "\n".join(parts)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[-1])
    binary, template, out_dir, version = sys.argv[1:]
    with open(template, encoding="utf-8") as f:
        page = f.read()
    page = page.replace("@VERSION@", version).replace("@COMMANDS@", commands_section(binary))
    left = re.findall(r"@[A-Z_]+@", page)
    if left:
        sys.exit("make_manpage: unreplaced placeholders in %s: %s" % (template, left))
    os.makedirs(out_dir, exist_ok=True)
    plain = os.path.join(out_dir, "tlsmatrix.1")
    with open(plain, "w", encoding="ascii") as f:
        f.write(page)
    # mtime=0 and no file name inside: the same page gives the same bytes (reproducible package).
    with open(plain + ".gz", "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(page.encode("ascii"))


if __name__ == "__main__":
    main()
