#!/usr/bin/env python3
"""tools/model/check.py - run SPIN over tools/model/active_mm.pml (`make model`,
`make model-full`).

Each run is one configuration of the model (compile-time defines): SPIN generates the
verifier (pan.c) in build/model/<run>/, gcc compiles it, pan searches every reachable
state exhaustively (no bitstate hashing). A clean run must end with `errors: 0` and a
search that was not cut short; a mutation run (a classic bug switched on) must end with
a violation and a trail, which this script replays with `spin -t` into
build/model/<run>/trail.txt, the narrated counterexample (docs/model.md reads one).
Before the model it runs tools/model/check_doc_map.py: every code function
docs/model.md maps a model step to must exist.

    tools/model/check.py           the safety checks, 2 CPUs, both lazy-TLB modes, every
                                   mutation (make model; under two minutes)
    tools/model/check.py --full    also 3 CPUs, the larger task set, and the liveness
                                   property under weak fairness (make model-full)
    tools/model/check.py --only NAME ...   the named runs only
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "tools", "model", "active_mm.pml")
OUT = os.path.join(ROOT, "build", "model")
# pan's depth bound: deeper than any path of these configurations (the deepest reaches
# ~13,000), so that no search is cut short; a cut-short search fails the run anyway.
MAX_DEPTH = 1000000

# (name, defines, expected): "clean" must verify, anything else names the assertion
# text (a fragment of it) the mutation must violate.
QUICK = [
    ("refcount", [], "clean"),
    ("shootdown", ["SHOOTDOWN"], "clean"),
    ("refcount-2mm", ["TWO_MMS"], "clean"),
    ("shootdown-2mm", ["TWO_MMS", "SHOOTDOWN"], "clean"),
    ("mut-drop-in-switch", ["TWO_MMS", "MUT_DROP_IN_SWITCH"], "!(in_switch[c])"),
    ("mut-skip-lazy-on-free", ["MUT_SKIP_LAZY_ON_FREE"], "tlb_pwc[i]"),
    ("mut-early-cpumask-clear", ["MUT_EARLY_CPUMASK_CLEAR"], "tlb_pwc[i]"),
    ("mut-no-gen-catchup", ["MUT_NO_GEN_CATCHUP"], "page_unmapped"),
    ("mut-no-lazy-ref", ["MUT_NO_LAZY_REF"], "mm_count[m]==n"),
]
# Coverage: each case must be reached by the clean model. The clean run's verifier runs
# again with COVER=k in its environment, which makes reaching point k a violation (see
# REACHED in the model): (name, the clean run whose verifier it reuses, k).
COVER = [
    ("cover-real-to-kernel", "refcount", 1),
    ("cover-kernel-to-kernel", "refcount", 2),
    ("cover-real-to-real-same-mm", "refcount", 3),
    ("cover-real-to-real-other-mm", "refcount-2mm", 4),
    ("cover-kernel-to-real", "refcount", 5),
    ("cover-ipi-lazy-to-init-mm", "refcount", 6),
    ("cover-ipi-catch-up", "refcount", 7),
    ("cover-finish-frees-zombie", "refcount-2mm", 8),
    ("cover-shootdown-chases", "shootdown", 9),
    ("cover-leave-lazy-catch-up", "refcount", 10),
]
FULL = [
    ("refcount-t3", ["WITH_T3"], "clean"),
    ("shootdown-t3", ["WITH_T3", "SHOOTDOWN"], "clean"),
    ("refcount-3cpu", ["NCPU=3", "TWO_MMS"], "clean"),
    ("shootdown-3cpu", ["NCPU=3", "TWO_MMS", "SHOOTDOWN"], "clean"),
    ("refcount-3cpu-1mm", ["NCPU=3"], "clean"),
    ("liveness-refcount", ["LIVENESS"], "clean"),
    ("liveness-shootdown", ["LIVENESS", "SHOOTDOWN"], "clean"),
]


def run(cmd, cwd, log):
    """Run cmd in cwd, its output appended to log; return (exit code, output)."""
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n" + proc.stdout + "\n")
    return proc.returncode, proc.stdout


def figure(pattern, text, default="?"):
    m = re.search(pattern, text)
    return m.group(1) if m else default


def check_one(name, defines, expected, big):
    """Verify one configuration; return (ok, the line to print). big: a large state
    space (--full): store states compressed (COLLAPSE, lossless) in a larger table."""
    liveness = "LIVENESS" in defines
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    log = os.path.join(d, "spin.log")
    dflags = ["-D" + x for x in defines]
    start = time.monotonic()
    rc, out = run(["spin", "-a"] + dflags + [MODEL], d, log)
    if rc:
        return False, f"{name}: spin -a failed (see {log})"
    # pan.c is large: compiling it with -O2 takes longer than the quick runs' searches,
    # so only the big searches are optimised (measured: docs/model.md).
    cflags = ["-O2" if big else "-O0", "-o", "pan", "pan.c"]
    cflags += ["-DNFAIR=3"] if liveness else ["-DSAFETY"]
    cflags += ["-DCOLLAPSE"] if big else []
    rc, out = run(["gcc"] + cflags, d, log)
    if rc:
        return False, f"{name}: gcc pan.c failed (see {log})"
    pan = ["./pan", f"-m{MAX_DEPTH}", "-w26" if big else "-w24"]
    pan += ["-a", "-f"] if liveness else []
    rc, out = run(pan, d, log)
    secs = time.monotonic() - start
    errors = figure(r"errors: (\d+)", out)
    stored = figure(r"(\d+) states, stored", out)
    depth = figure(r"depth reached (\d+)", out)
    memory = figure(r"([\d.]+)\s+total actual memory usage", out)
    figures = (f"states stored {stored:>9}, depth {depth:>5}, memory {memory:>7} MB, "
               f"errors: {errors}, {secs:5.1f} s")
    line = f"{name:24} {figures}"
    if "max search depth too small" in out or errors == "?":
        return False, line + f"  FAILED: the search was cut short (see {log})"
    if expected == "clean":
        if errors != "0":
            return False, line + f"  FAILED: a violation (build/model/{name}/: {log})"
        return True, line + "  verified"
    trail = os.path.join(d, "active_mm.pml.trail")
    if errors == "0" or not os.path.exists(trail):
        return False, line + "  FAILED: the mutation was not caught"
    violated = figure(r"pan:1: (.*) \(at depth", out, "")
    rc, story = run(["spin", "-t", "-k", trail] + dflags + [MODEL], d, log)
    with open(os.path.join(d, "trail.txt"), "w") as f:
        f.write(story)
    if expected not in violated or "assertion violated" not in story:
        return False, line + f"  FAILED: expected a violation of {expected}, got: {violated}"
    steps = figure(r"trail ends after (\d+) steps", story)
    return True, line + f"  caught ({steps}-step trail: build/model/{name}/trail.txt)"


def check_cover(name, base, point):
    """Run base's verifier with COVER=point: it must report reaching the point."""
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    log = os.path.join(d, "spin.log")
    start = time.monotonic()
    proc = subprocess.run([os.path.join(OUT, base, "pan"), f"-m{MAX_DEPTH}", "-w20"], cwd=d,
                          env=dict(os.environ, COVER=str(point)), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    with open(log, "w") as f:
        f.write(proc.stdout)
    secs = time.monotonic() - start
    depth = figure(r"depth reached (\d+)", proc.stdout)
    line = f"{name:28} point {point:2} of {base}: depth {depth:>5}, {secs:4.1f} s"
    if f"(cover!={point})" not in figure(r"pan:1: (.*) \(at depth", proc.stdout, ""):
        return False, line + f"  FAILED: never reached (see {log})"
    return True, line + "  reached"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also 3 CPUs, T3 and liveness")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these runs")
    args = ap.parse_args()

    rc = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "model",
                                                       "check_doc_map.py")]).returncode
    if rc:
        return rc
    runs = QUICK + (FULL if args.full else [])
    if args.only:
        wanted = set(args.only) | {c[1] for c in COVER if c[0] in args.only}
        runs = [r for r in QUICK + FULL if r[0] in wanted]
    os.makedirs(OUT, exist_ok=True)
    version = subprocess.run(["spin", "-V"], stdout=subprocess.PIPE, text=True).stdout
    print(f"model: {version.strip()}; exhaustive search, 2 CPUs unless the name says 3")
    start = time.monotonic()
    failed = 0
    for name, defines, expected in runs:
        ok, line = check_one(name, defines, expected, (name, defines, expected) in FULL)
        print(("  " if ok else "! ") + line, flush=True)
        failed += not ok
    built = {name for name, _, _ in runs}
    covers = [c for c in COVER if c[1] in built and (not args.only or c[0] in args.only)]
    for name, base, point in covers:
        ok, line = check_cover(name, base, point)
        print(("  " if ok else "! ") + line, flush=True)
        failed += not ok
    total = time.monotonic() - start
    n = len(runs) + len(covers)
    print(f"model: {n - failed} of {n} runs as expected in {total:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
