#!/usr/bin/env python3
"""tools/model/check_doc_map.py - keep docs/model.md's map from model steps to code true.

docs/model.md has two tables naming code as `file:function`:
  - "## Model steps and the code": steps the code has today. Each function must be
    defined in that file; if one is renamed or removed, this fails, so the model and
    the code cannot drift apart silently.
  - "## Not in the one-CPU code yet": steps only the SMP work (issue 12) will write.
    Each must NOT exist yet; once the code has it, this fails and asks for its row to
    move to the first table, where it is checked from then on.
It also checks the trail the doc quotes: the model line its "assertion violated" names
must still hold an assertion (the model's line numbers move when it is edited).
Run by tools/model/check.py (make model), after its own self-test (--self-test alone
runs only that): a doc naming a missing function, or a "not yet" function that exists,
must be refused.
"""

import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "model.md")
MAPPED = "## Model steps and the code"
PENDING = "## Not in the one-CPU code yet"
REF = re.compile(r"`([\w./-]+\.[chS]):(\w+)`")
MODEL = os.path.join(ROOT, "tools", "model", "active_mm.pml")
QUOTED_ASSERT = re.compile(r"active_mm\.pml:(\d+), Error: assertion violated")


def section(text, title):
    """The text of the section headed title, up to the next ## heading."""
    start = text.find("\n" + title + "\n")
    if start < 0:
        return None
    end = text.find("\n## ", start + len(title) + 2)
    return text[start:end if end >= 0 else len(text)]


def defined_in(path, func):
    """Whether path (from the repository root) defines func: a line at column 0 naming
    func( that is not a declaration (does not end in ';'), or a #define of it."""
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return False
    head = re.compile(r"^(#define\s+|[A-Za-z_][^;=]*[\s*])" + re.escape(func) + r"\s*\(")
    with open(full, errors="replace") as f:
        return any(head.match(line) and not line.rstrip().endswith(";") for line in f)


def check(doc):
    """Return the list of problems with doc's two tables."""
    with open(doc) as f:
        text = f.read()
    problems = []
    mapped, pending = section(text, MAPPED), section(text, PENDING)
    if mapped is None or pending is None:
        return [f"{doc}: needs the sections '{MAPPED}' and '{PENDING}'"]
    refs = REF.findall(mapped)
    if not refs:
        problems.append(f"{doc}: '{MAPPED}' names no `file:function`")
    for path, func in refs:
        if not defined_in(path, func):
            problems.append(f"{path}:{func} (mapped in {os.path.basename(doc)}) is not "
                            f"defined there: fix the map or the model")
    for path, func in REF.findall(pending):
        if defined_in(path, func):
            problems.append(f"{path}:{func} now exists: move its row from '{PENDING}' "
                            f"to '{MAPPED}' in {os.path.basename(doc)}")
    return problems + quoted_trail_problems(text, doc)


def assertion_ends_at(model, n):
    """Whether an assert( statement of the model ends on line n (1-based): SPIN names the
    line where a statement spanning several lines ends."""
    for start in range(min(n, len(model)), max(n - 5, 0), -1):
        if "assert(" not in model[start - 1]:
            continue
        depth = 0
        for number in range(start, len(model) + 1):
            line = model[number - 1]
            text = line[line.index("assert("):] if number == start else line
            depth += text.count("(") - text.count(")")
            if depth <= 0:
                return number == n
        return False
    return False


def quoted_trail_problems(text, doc):
    """The quoted trail's "active_mm.pml:N, Error: assertion violated" lines whose line N
    of the model is no longer an assertion."""
    with open(MODEL) as f:
        model = f.read().split("\n")
    problems = []
    for number in QUOTED_ASSERT.findall(text):
        n = int(number)
        if not assertion_ends_at(model, n):
            problems.append(f"{os.path.basename(doc)} quotes a trail failing at "
                            f"active_mm.pml:{n}, which is no assertion now: re-run the "
                            f"mutation and quote its trail again")
    return problems


def self_test():
    """The checker must refuse a vanished mapped function and a pending one that exists."""
    with open(DOC) as f:
        text = f.read()
    mapped = section(text, MAPPED)
    path, func = REF.findall(mapped)[0]
    broken = text.replace(f"`{path}:{func}`", f"`{path}:{func}_gone`", 1)
    pending = section(text, PENDING)
    early = text.replace(pending, pending + f"\n| bogus | `{path}:{func}` |\n", 1)
    moved = QUOTED_ASSERT.sub("active_mm.pml:1, Error: assertion violated", text, 1)
    for name, bad in (("a vanished function", broken), ("a pending one that exists", early),
                      ("a quoted trail line that moved", moved)):
        with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
            f.write(bad)
        try:
            if not check(f.name):
                print(f"check_doc_map self-test: {name} was not refused", file=sys.stderr)
                return False
        finally:
            os.unlink(f.name)
    return True


def main():
    if not self_test():
        return 1
    if sys.argv[1:] == ["--self-test"]:
        return 0
    problems = check(DOC)
    for p in problems:
        print("check_doc_map: " + p, file=sys.stderr)
    if problems:
        return 1
    with open(DOC) as f:
        text = f.read()
    n_mapped = len(REF.findall(section(text, MAPPED)))
    n_pending = len(REF.findall(section(text, PENDING)))
    print(f"model: docs/model.md maps steps to {n_mapped} functions, all in the code; "
          f"{n_pending} not written yet (issue 12)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
