"""The gate's power and its false alarms, measured: a benchmark, not a test.

Usage: gate_power.py [--bin BIN] [--sessions 10] [--rounds 10] [-o FOLDER] [-- RUN_ARGS]

Runs --sessions A/B sessions of the `tas` lock against its control
`slowed_tas` (the same lock plus a fixed 30 ns of busy work in every critical
section: a known slowdown of a few per cent), alternating with as many A/A
sessions of `tas` against itself, all with ab.py's defaults, on one case
(default: locks.contention, 1 thread, cs_ns=100, think_ns=400). Prints:

- the control's true effect, measured in the same session: the
  Hodges-Lehmann estimate and interval over the rounds of every A/B session
  together (sessions x rounds pairs);
- in how many A/B sessions the gate said "worse" for throughput (the target:
  at least 9 of 10 for a 5 % slowdown);
- how many A/A sessions raised any alarm (worse or better, any figure; the
  target: 0 of 10).

The sessions are kept under the output folder (ab.py --analyse reads each).
Exit status 0 when both targets hold, 1 when one is missed, 2 bad input.
"""
import json
import math
import os
import sys
import time

from . import ab as ab_cli
from . import ab_verdict as av
from . import paired_stats as ps
from .result_inputs import InputError, exit_status, tool_parser

PROG = "gate_power.py"
DEFAULT_CASE = ["locks.contention", "--threads", "1", "--set", "cs_ns=100",
                "--set", "think_ns=400"]
FOUND_AT_LEAST = 0.9


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("--bin", default=os.path.join("build", "contend"), help="contend binary")
    ap.add_argument("--sessions", type=int, default=10, help="A/B and A/A sessions each")
    ap.add_argument("--rounds", type=int, default=10, help="rounds per session (ab.py's "
                    "default)")
    ap.add_argument("-o", "--output", metavar="FOLDER",
                    help="default results/gate-power/<UTC time>")
    ap.add_argument("run_args", nargs="*", metavar="RUN_ARGS")
    return ap


def session(args, folder, new_primitive):
    argv = ["--base", args.bin, "--new", args.bin, "--rounds", str(args.rounds),
            "--base-arg=--primitive=tas", "--new-arg=--primitive=" + new_primitive,
            "-o", folder, "--quiet", "--"] + (args.run_args or DEFAULT_CASE)
    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        status = ab_cli.main(argv)
    finally:
        sys.stdout.close()
        sys.stdout = saved
    if status not in (0, 1):
        raise InputError("%s: ab.py exited %d" % (folder, status))
    with open(os.path.join(folder, "ab.json")) as f:
        return json.load(f)


def throughput(report):
    return [e for c in report["cases"] for e in c["figures"] if e["figure"] == "throughput"]


def alarms(report):
    return ["%s %s" % (e["label"], e["verdict"]) for c in report["cases"]
            for e in c["figures"] if e["verdict"] in (av.WORSE, av.BETTER)]


def run(args):
    if args.sessions < 1:
        raise InputError("--sessions: %d is not a positive count" % args.sessions)
    top = args.output or os.path.join("results", "gate-power",
                                      time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    found, false_alarms, pooled = 0, [], []
    for i in range(1, args.sessions + 1):
        ab = session(args, os.path.join(top, "ab-%02d" % i), "slowed_tas")
        aa = session(args, os.path.join(top, "aa-%02d" % i), "tas")
        tput = throughput(ab)
        hit = bool(tput) and all(e["verdict"] == av.WORSE for e in tput)
        found += hit
        for e in tput:
            pooled += [math.log(r) for r in e["ratios"]]
        a = alarms(aa)
        if a:
            false_alarms.append((i, a))
        print("session %2d: A/B %s (%s); A/A %s" % (
            i, "found" if hit else "MISSED",
            "; ".join("%+.1f%% [%s] %s" % (100 * e["effect"], ", ".join(
                "%+.1f" % (100 * c) for c in e["ci"]) if e["ci"] else "-", e["verdict"])
                for e in tput) or "no throughput",
            ", ".join(a) if a else "no alarm"), flush=True)
    ci = ps.hodges_lehmann_ci(pooled)
    print("true effect of slowed_tas, all %d A/B rounds: %+.2f%% [%s]"
          % (len(pooled), 100 * ps.ratio_change(ps.hodges_lehmann(pooled)),
             ", ".join("%+.2f" % (100 * ps.ratio_change(c)) for c in ci) if ci else "-"))
    print("gate power: slowdown found in %d of %d A/B sessions (target >= %d)"
          % (found, args.sessions, math.ceil(FOUND_AT_LEAST * args.sessions)))
    print("false alarms: %d of %d A/A sessions (target 0)%s"
          % (len(false_alarms), args.sessions,
             "".join("\n  A/A session %d: %s" % (i, ", ".join(a)) for i, a in false_alarms)))
    print("sessions kept in %s" % top)
    ok = found >= math.ceil(FOUND_AT_LEAST * args.sessions) and not false_alarms
    return 0 if ok else 1


def main(argv=None):
    args = parser().parse_args(argv)
    return exit_status(PROG, lambda: run(args))
