"""The project documents itself: no file in the repository points at a design note outside it
(the background notes the team worked from are not shipped), every relative Markdown link
resolves (file and #anchor), and every `docs/...` path mentioned anywhere exists. A reference
added by a later change to a page that was renamed or never written fails here, naming the file
and line.
"""
import os
import pathlib
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR  # noqa: E402
SRC = pathlib.Path(SOURCE_DIR)
# Built from parts so that this file does not match itself.
OUTSIDE_NOTE = "DESIGN" + ".md"
SKIP_DIRS = {".git", "__pycache__", "node_modules"}
TEXT_SUFFIXES = {".md", ".txt", ".cpp", ".h", ".hpp", ".cc", ".py", ".sh", ".bash", ".go", ".js",
                 ".yaml", ".yml", ".json", ".cmake", ".in", ".cfg", ".toml", ""}


def repo_files():
    for root, dirs, files in os.walk(SRC):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith("build")]
        for name in files:
            path = pathlib.Path(root) / name
            if path.suffix in TEXT_SUFFIXES or name in ("CMakeLists.txt", "run"):
                yield path


def slug(heading):
    """GitHub's anchor for a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(md_file):
    out = set()
    in_code = False
    for line in md_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            out.add(slug(line.lstrip("#")))
    return out


problems = []
files = list(repo_files())
if len(files) < 50:
    problems.append("only %d files found under %s: wrong source dir?" % (len(files), SRC))
link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
docs_path = re.compile(r"(?<![\w/.$-])docs/[\w./-]*")
for path in files:
    rel = path.relative_to(SRC)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        continue
    for number, line in enumerate(text.splitlines(), 1):
        where = "%s:%d" % (rel, number)
        if OUTSIDE_NOTE in line:
            problems.append("%s: points at %s, which is not in the repository: %s"
                            % (where, OUTSIDE_NOTE, line.strip()))
        # roff escapes its hyphens ("report\-formats.md").
        for ref in docs_path.findall(line.replace("\\-", "-")):
            ref = ref.rstrip(".")
            if not (SRC / ref).exists():
                problems.append("%s: %s does not exist" % (where, ref))
        if path.suffix != ".md":
            continue
        for target in link.findall(line):
            if re.match(r"^[a-z]+:", target):
                continue  # https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            if not dest.exists():
                problems.append("%s: link to %s: no such file" % (where, target))
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append("%s: link to %s: no heading gives #%s" % (where, target, anchor))

if problems:
    print("FAIL: %d broken references:" % len(problems), file=sys.stderr)
    for p in problems:
        print("  " + p, file=sys.stderr)
    sys.exit(1)
print("ok: %d files, no reference outside the repository, every link and docs/ path resolves" % len(files))
