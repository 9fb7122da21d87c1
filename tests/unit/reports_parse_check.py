"""Parses the report files written by reports_test.cpp with Python's standard library and checks
their structure; prints every problem and exits 1 if there is one.

usage: reports_parse_check.py DIR CELLS MISMATCHES NAME...
NAME are the scenario names as the JSON must carry them (valid UTF-8); XML and HTML drop the
characters XML 1.0 forbids."""
import html.parser
import json
import re
import sys
import xml.etree.ElementTree as ET

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def xml_legal(text):
    return re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)


def one_line(text):
    """What the HTML shows for a name: controls become spaces, runs shrink, ends trimmed."""
    return re.sub(" +", " ", re.sub("[\x00-\x1f\x7f-\x9f]", " ", text)).strip()


def check_json(path, cells, mismatches, names):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    check(set(doc) == {"tool", "version", "started", "cells", "summary", "portability", "notes"},
          f"json top-level keys: {sorted(doc)}")
    check(doc.get("tool") == "tlsmatrix", "json tool")
    check(len(doc["cells"]) == cells, f"json has {len(doc['cells'])} cells, want {cells}")
    for c in doc["cells"]:
        check(set(c) == {"scenario", "file", "mode", "profile", "server", "expected", "actual", "match",
                         "duration_ms"}, f"json cell keys: {sorted(c)}")
        check(set(c["expected"]) == {"outcome", "reason"}, "json expected keys")
        check(set(c["actual"]) == {"outcome", "reason", "detail"}, "json actual keys")
        check(isinstance(c["match"], bool) and isinstance(c["mode"], int), "json types")
        check(isinstance(c["duration_ms"], (int, float)), "json duration_ms type")
    check(doc["summary"] == {"cells": cells, "matched": cells - mismatches,
                             "mismatched": mismatches, "harness_errors": 0},
          f"json summary {doc['summary']}")
    check(sum(1 for c in doc["cells"] if not c["match"]) == mismatches, "json match flags")
    check({c["scenario"] for c in doc["cells"]} == set(names),
          f"json scenario names {sorted({c['scenario'] for c in doc['cells']})!r}")
    check(all(set(p) == {"scenario", "mode", "text"} for p in doc["portability"]),
          "json portability keys")
    check(all(isinstance(n, str) for n in doc["notes"]), "json notes")


def check_junit(path, cells, mismatches, names):
    root = ET.parse(path).getroot()
    check(root.tag == "testsuites", f"junit root {root.tag}")
    check(root.get("tests") == str(cells), "junit tests attribute")
    check(root.get("failures") == str(mismatches), "junit failures attribute")
    cases = root.findall("./testsuite/testcase")
    check(len(cases) == cells, f"junit has {len(cases)} testcases, want {cells}")
    failures = root.findall("./testsuite/testcase/failure")
    check(len(failures) == mismatches, f"junit has {len(failures)} failures, want {mismatches}")
    for f in failures:
        msg = f.get("message", "")
        check(msg and "\n" not in msg and "\r" not in msg, f"junit failure message {msg!r}")
        check(f.get("type") == "mismatch", "junit failure type")
        check("expected:" in (f.text or ""), "junit failure body")
    legal = {xml_legal(n) for n in names}
    check({s.get("name") for s in root.findall("testsuite")} == legal, "junit suite names")
    for case in cases:
        check(case.get("classname") in legal, f"junit classname {case.get('classname')!r}")
        check(bool(case.get("file")), "junit file attribute")
        check(re.fullmatch(r"mode \d+ / \S+", case.get("name", "")) is not None,
              f"junit testcase name {case.get('name')!r}")
        float(case.get("time"))


class StrictHtml(html.parser.HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.names, self.in_name, self.titles = [], [], False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "title" in attrs:
            self.titles.append(attrs["title"])
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "th" and attrs.get("class") == "name":
            self.in_name = True
            self.names.append("")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            problems.append(f"html: </{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        if tag == "th":
            self.in_name = False

    def handle_data(self, data):
        if self.in_name:
            self.names[-1] += data


def check_html(path, cells, names):
    p = StrictHtml()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    check(p.stack == [], f"html: unclosed {p.stack}")
    want = sorted(one_line(n) for n in names)
    check(sorted(p.names) == want, f"html names {p.names!r}, want {want!r}")
    cell_titles = [t for t in p.titles if "expected:" in t]
    check(len(cell_titles) == cells, f"html has {len(cell_titles)} cell tooltips, want {cells}")


def main():
    folder, cells, mismatches, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    for name, fn in [("json", lambda: check_json(f"{folder}/run.json", cells, mismatches, names)),
                     ("junit", lambda: check_junit(f"{folder}/run.xml", cells, mismatches, names)),
                     ("html", lambda: check_html(f"{folder}/run.html", cells, names))]:
        try:
            fn()
        except Exception as e:  # a parse error is a finding, not a crash of the checker
            problems.append(f"{name}: {type(e).__name__}: {e}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
