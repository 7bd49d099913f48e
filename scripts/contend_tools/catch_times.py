"""The catch-time benchmark of contend stress's controls: how long each
deliberately broken control takes to be caught, against the budget its test
gives it (tests/stress_controls.json), so that no test waits for a rare
event on a budget nobody measured.

Usage:
  catch_times.py ci [--runs 20] [--build build] [--tests REGEX]   the whole
        test suite (ctest -j NPROC, as CI runs it: each control's test
        beside the heaviest others), or the tests REGEX matches (ctest -R),
        RUNS times, each control's catch logged by its test
  catch_times.py seeds [--seeds 11,12,13,14,15] [--for 60s] [--bin ...]
        [--only PRIMITIVE,...]   each control alone, once per seed, as
        README's catch-rate table is measured
  catch_times.py summary LOG      the table of a log written earlier

Prints, per control: runs, catches by its detector, hangs seen first, the
median and slowest catch in seconds (the trials' own wall time up to the
catch) and in trials, the budget, slowest/budget, and the chance of a miss
were catch times exponential with the observed mean: exp(-budget/mean).
A benchmark, not a test: it exits 0 whatever it finds (2 on bad input).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTROLS = os.path.join(ROOT, "tests", "stress_controls.json")


def controls():
    with open(CONTROLS) as f:
        return json.load(f)["controls"]


def test_name(c):
    """As tests/stress_test.py names a control's test."""
    return "%s_in_%s" % (c["primitive"], c["scenario"].replace(".", "_"))


def run_ci(args, log):
    env = dict(os.environ, CONTEND_CATCH_LOG=log)
    jobs = str(os.cpu_count() or 2)
    for i in range(args.runs):
        cmd = ["ctest", "--test-dir", args.build, "-j", jobs, "--timeout", "900"]
        if args.tests:
            cmd += ["-R", args.tests]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        failed = [line.strip() for line in p.stdout.splitlines() if "***" in line or
                  "(Failed)" in line]
        sys.stderr.write("catch_times.py: ci run %d of %d: exit %d%s\n"
                         % (i + 1, args.runs, p.returncode,
                            (": " + "; ".join(failed)) if failed else ""))


def run_seeds(args, log):
    only = set(filter(None, args.only.split(",")))
    for c in controls():
        if only and c["primitive"] not in only:
            continue
        for seed in args.seeds.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "stress.json")
                cmd = [args.bin, "stress", c["scenario"], "--primitive", c["primitive"], "--for",
                       args.budget, "--max-failures", "1", "--seed", seed, "--quiet", "-o", out]
                if c.get("trial_timeout") or c["detector"] == "stall":
                    cmd += ["--trial-timeout", c.get("trial_timeout", "5s")]
                env = dict(os.environ)
                if c.get("test_primitives"):
                    env["CONTEND_TEST_PRIMITIVES"] = "1"
                subprocess.run(cmd, env=env, capture_output=True)
                with open(out) as f:
                    doc = json.load(f)
            with open(log, "a") as f:
                f.write(json.dumps({
                    "control": test_name(c), "seed": int(seed), "budget_s": c["budget_s"],
                    "detectors": [x["detector"] for x in doc["failures"]],
                    "seconds": sum(t["wall_seconds"] for t in doc["summary"]["targets"]),
                    "trials": doc["summary"]["trials"]}) + "\n")


def summarize(log):
    expected = {test_name(c): c for c in controls()}
    rows = {}
    with open(log) as f:
        for line in f:
            r = json.loads(line)
            rows.setdefault(r["control"], []).append(r)
    print("%-48s %4s %6s %5s %8s %8s %7s %6s %7s %9s" % (
        "control", "runs", "caught", "hangs", "median_s", "slowest", "trials", "budget",
        "slow/b", "p_miss"))
    for name, c in expected.items():
        runs = rows.get(name, [])
        if not runs:
            continue
        # A run of a stall control that ended in a hang hands its budget on
        # to the next seed (stress_test.py): the catch is their sum.
        catches, hangs, pending, trials = [], 0, 0.0, 0
        for r in runs:
            first = r["detectors"][0] if r["detectors"] else None
            if first == "hang" and c["detector"] == "stall":
                hangs += 1
                pending += r["seconds"]
                trials += r["trials"]
                continue
            if first == c["detector"]:
                catches.append((pending + r["seconds"], trials + r["trials"]))
            pending, trials = 0.0, 0
        secs = sorted(s for s, _ in catches)
        slowest = secs[-1] if secs else float("nan")
        mean = sum(secs) / len(secs) if secs else float("nan")
        p_miss = math.exp(-c["budget_s"] / mean) if secs and mean > 0 else float("nan")
        print("%-48s %4d %6d %5d %8.1f %8.1f %7d %6d %7.3f %9.1e" % (
            name, len(runs) - hangs, len(catches), hangs,
            secs[len(secs) // 2] if secs else float("nan"), slowest,
            max((t for _, t in catches), default=0), c["budget_s"], slowest / c["budget_s"],
            p_miss))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    ci = sub.add_parser("ci")
    ci.add_argument("--runs", type=int, default=20)
    ci.add_argument("--build", default=os.path.join(ROOT, "build"))
    ci.add_argument("--tests", default="")
    ci.add_argument("--log", default=None)
    seeds = sub.add_parser("seeds")
    seeds.add_argument("--seeds", default="11,12,13,14,15")
    seeds.add_argument("--for", dest="budget", default="60s")
    seeds.add_argument("--bin", default=os.path.join(ROOT, "build", "contend"))
    seeds.add_argument("--only", default="")
    seeds.add_argument("--log", default=None)
    summary = sub.add_parser("summary")
    summary.add_argument("log")
    args = ap.parse_args(argv)
    if args.mode == "summary":
        if not os.path.exists(args.log):
            sys.stderr.write("catch_times.py: %s: no such log\n" % args.log)
            return 2
        return summarize(args.log)
    log = args.log or tempfile.mktemp(prefix="catch-times-", suffix=".jsonl")
    (run_ci if args.mode == "ci" else run_seeds)(args, log)
    sys.stderr.write("catch_times.py: log in %s\n" % log)
    return summarize(log)
