#!/usr/bin/python3
"""Every --help reads well in an 80-column terminal or CI log, and all of them are laid out the
same way: no line wider than 80 columns; option and subcommand descriptions start in one column
and their continuation lines in that same column; prose (descriptions, footers) is filled to the
width rather than cut into ragged pieces; nothing said twice (a line repeated, or an option's
allowed values listed again in its description); the top level lists each command with a summary
of a few lines, not its whole description."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX, Checks  # noqa: E402
WIDTH = 80
COLUMN = 30  # where option and subcommand descriptions start
ENTRY_SECTIONS = ("Options", "Positionals", "Subcommands")
check = Checks(verbose=True)


def help_of(*cmd):
    p = subprocess.run([TLSMATRIX, *cmd, "--help"], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout


def sections(text):
    """(heading, lines) for each block: the part before the first heading is ("", ...)."""
    out, name, lines = [], "", []
    for line in text.splitlines():
        if re.fullmatch(r"[A-Z][A-Za-z ]*:", line):
            out.append((name, lines))
            name, lines = line[:-1], []
        elif line and not line.startswith(" ") and name in ENTRY_SECTIONS:
            out.append((name, lines))  # prose after a list: the footer
            name, lines = "footer", [line]
        else:
            lines.append(line)
    out.append((name, lines))
    return out


def entries(lines):
    """Option/subcommand entries: a line at indent 2 starts one, deeper lines continue it."""
    out = []
    for line in lines:
        if not line.strip():
            continue
        if line.startswith("  ") and not line.startswith("   "):
            out.append([line])
        elif out:
            out[-1].append(line)
    return out


def check_help(cmd, text):
    name = " ".join(["tlsmatrix", *cmd, "--help"])
    wide = [l for l in text.splitlines() if len(l) > WIDTH]
    check(not wide, f"{name}: every line fits {WIDTH} columns", "\n".join(wide))

    lines = [l.strip() for l in text.splitlines() if len(l.strip()) > 20]
    doubled = sorted({l for l in lines if lines.count(l) > 1})
    check(not doubled, f"{name}: no line said twice", "\n".join(doubled))

    for heading, block in sections(text):
        if heading not in ENTRY_SECTIONS:
            continue
        for entry in entries(block):
            head = entry[0]
            # A description on the head line starts at COLUMN; continuation lines sit at COLUMN
            # (description) or at 6 (the option's own spec, wrapped).
            bad = []
            for line in entry[1:]:
                indent = len(line) - len(line.lstrip(" "))
                if indent not in (COLUMN, 6):
                    bad.append(line)
            check(not bad, f"{name}: {heading} '{head.split()[0]}' continues at column {COLUMN}",
                  "\n".join(entry))
            on_head = head[COLUMN:] if len(head) > COLUMN and head[COLUMN - 1] == " " else ""
            desc = " ".join([on_head] + [l.strip() for l in entry[1:] if l.startswith(" " * COLUMN)])
            values = re.search(r"\{([^}]*)\}", head)
            if values:
                listed = ", ".join(values.group(1).split(","))
                check(listed not in desc, f"{name}: '{head.split()[0]}' does not list its values twice",
                      "\n".join(entry))
        if heading == "Subcommands":
            for entry in entries(block):
                check(len(entry) <= 3, f"{name}: subcommand '{entry[0].split()[0]}' is summed up in "
                      f"at most 3 lines", "\n".join(entry))

    # Prose is filled: in a paragraph of several lines, no line but the last ends far short of
    # the width (a sign of text wrapped at some other width and then cut again).
    for heading, block in sections(text):
        if heading in ENTRY_SECTIONS:
            continue
        para = []
        for line in block + [""]:
            if line.strip() and not line.startswith(" ") and not line.startswith("Usage:"):
                para.append(line)
                continue
            for i, l in enumerate(para[:-1]):
                next_word = para[i + 1].split()[0]
                ends_sentence = l.rstrip().endswith((".", ":", "?"))
                check(ends_sentence or len(l) + 1 + len(next_word) > WIDTH,
                      f"{name}: prose filled to the width ({l[:30]}...)", "\n".join(para))
            para = []


def main():
    cmds = [(), ("run",), ("certs",), ("certs", "gen"), ("certs", "scenario"), ("validate",),
            ("probe",), ("serve",), ("bench",)]
    for cmd in cmds:
        rc, text = help_of(*cmd)
        check(rc == 0 and text, f"tlsmatrix {' '.join(cmd)} --help exits 0 with text")
        check_help(cmd, text)
    rc, top = help_of()
    check("--help" in top and "COMMAND --help" in top,
          "the top level says how to get a command's own help", top)
    if check.failures:
        print(f"{len(check.failures)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
