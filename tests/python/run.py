#!/usr/bin/env python3
"""Run the Python suite's test classes in parallel, one process each.

Every module starts its own seki (setUpModule) with its own data directory
and port, so modules are independent; running them side by side cuts the
suite's wall time roughly by the number of workers. Output of each module is
printed whole when it finishes, so logs do not interleave.

    python3 tests/python/run.py [-j N] [module ...]
"""
import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def modules():
    return sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))


# Modules slow enough to split into one process per test class. Splitting
# every module would pay a Python start and a seki start per class.
SPLIT = ("test_scenarios", "test_sqs")

# The units that take longest (130 s and 80 s of a 210 s run on 2 cores)
# start first, so that they are not the last ones left running alone.
LONGEST = ("test_readme", "test_scenarios.ExampleScripts")


def units(mods):
    """What one process runs: a module, or one class ("module.Class") of the
    slow modules. Units are independent (each process starts its own seki);
    the split ones come first so that the longest units start early."""
    import unittest
    out = []
    for mod in mods:
        if mod not in SPLIT:
            out.append(mod)
            continue
        suite = unittest.defaultTestLoader.loadTestsFromName(mod)
        names = []
        for group in suite:
            for test in group:
                name = "%s.%s" % (mod, type(test).__name__)
                if name not in names:
                    names.append(name)
        out += names or [mod]
    return sorted(out, key=lambda u: (u not in LONGEST, u.split(".")[0] not in SPLIT, u))


def run(mod):
    t0 = time.time()
    p = subprocess.run([sys.executable, "-m", "unittest", "-v", mod], cwd=HERE,
                       capture_output=True, text=True)
    return mod, p.returncode, p.stdout + p.stderr, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-j", type=int, default=max(2, (os.cpu_count() or 2) * 2),
                    help="modules run at once (default: twice the CPUs; the tests wait on I/O and processes)")
    ap.add_argument("module", nargs="*")
    args = ap.parse_args()
    # One binary for every unit: build it once here, not once per process.
    sys.path.insert(0, HERE)
    import seki_harness
    seki_harness.seki_binary()
    mods = units(args.module or modules())
    failed = []
    t0 = time.time()
    with ThreadPoolExecutor(max_workers=args.j) as ex:
        for mod, rc, out, dt in ex.map(run, mods):
            print("==== %s (%.1fs): %s" % (mod, dt, "ok" if rc == 0 else "FAILED"))
            if rc != 0 or os.environ.get("VERBOSE"):
                print(out)
            else:
                # The summary lines of a passing module.
                print("\n".join(out.rstrip().splitlines()[-3:]))
            if rc != 0:
                failed.append(mod)
    print("==== %d units in %.1fs; failed: %s" % (len(mods), time.time() - t0, ", ".join(failed) or "none"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
