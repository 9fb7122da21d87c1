"""docs/cli.md keeps up with the binary: every command the binary lists has a section
(`## tlsmatrix COMMAND`), and every flag its `--help` lists is named in that section as
`--flag`. A flag added to the code without a line in cli.md fails here, naming both.
"""
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX  # noqa: E402
SRC = pathlib.Path(SOURCE_DIR)
cli_md = (SRC / "docs" / "cli.md").read_text(encoding="utf-8")


def help_of(args):
    done = subprocess.run([TLSMATRIX, *args, "--help"], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        sys.exit("FAIL: %s --help: exit %d: %s" % (" ".join(args), done.returncode, done.stderr))
    return done.stdout


def section(text, heading):
    lines = text.split("\n")
    start = [i for i, line in enumerate(lines) if line.strip() == heading]
    if not start:
        return None
    end = next((i for i in range(start[0] + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start[0] + 1:end])


def listed(help_text, block):
    """Names listed under `Subcommands:` or flags under `Options:` in CLI11's help."""
    body = section(help_text.replace(block + ":", "## " + block), "## " + block) or ""
    return body


def subcommands(help_text):
    return re.findall(r"^  ([a-z][\w-]*) ", listed(help_text, "Subcommands"), re.M)


def flags(help_text):
    out = []
    for line in listed(help_text, "Options").split("\n"):
        m = re.match(r"^  (?:-\w,)?(--[\w-]+)", line)
        if m and m.group(1) != "--help":
            out.append(m.group(1))
    return out


problems = []
commands = []
for name in subcommands(help_of([])):
    nested = subcommands(help_of([name]))
    commands.extend([[name, sub] for sub in nested] if nested else [[name]])
if len(commands) < 7:
    problems.append("only %d commands found in --help: %s" % (len(commands), commands))
checked = 0
for cmd in commands:
    heading = "## tlsmatrix " + " ".join(cmd)
    text = section(cli_md, heading)
    if text is None:
        problems.append("docs/cli.md has no section '%s'" % heading)
        continue
    for flag in flags(help_of(cmd)):
        checked += 1
        if "`" + flag not in text:
            problems.append("docs/cli.md, '%s': %s (in `tlsmatrix %s --help`) is not documented"
                            % (heading, flag, " ".join(cmd)))
for flag in flags(help_of([])):
    if "`" + flag not in cli_md:
        problems.append("docs/cli.md: the global %s is not documented" % flag)

if problems:
    print("FAIL:", file=sys.stderr)
    for p in problems:
        print("  " + p, file=sys.stderr)
    sys.exit(1)
print("ok: %d commands, %d flags, each documented in docs/cli.md" % (len(commands), checked))
