"""A/B: two builds (or two primitives, or two parameter values) measured in
one session, interleaved, and a paired verdict: how a pull request is
checked.

Usage: ab.py --base OLD_BIN --new NEW_BIN [options] [--] RUN_ARGS...

RUN_ARGS are `contend run` arguments common to both sides (scenarios,
--primitive, --threads, --set, --preset, ...). --base-arg / --new-arg add
arguments for one side only (two parameter values:
--base-arg=--set=cs_ns=100 --new-arg=--set=cs_ns=200), e.g. two primitives
of one build:

  ab.py --base build/contend --new build/contend \\
        --base-arg=--primitive=tas --new-arg=--primitive=slowed_tas \\
        -- locks.contention --threads 1 --set cs_ns=100 --set think_ns=400

A session is --rounds rounds (default 10). Each round runs BASE and NEW once
each, back to back, in an order drawn from --seed (recorded; random by
default), each a fresh process running every case once (`contend run
--repetitions 1`; both processes of a round get the same case shuffle). The
machine's state of that minute is common to both processes of a round and
cancels in their ratio; code and memory layout are drawn anew by every
process, on both sides alike. Verdicts per case and figure come from the
rounds' ratios (ab_verdict.py: Wilcoxon signed-rank, Hodges-Lehmann estimate
and interval, Benjamini-Hochberg over the cases of each figure). With 10
rounds the smallest p is 0.002.

Everything lands in the session folder (-o, default results/ab/<UTC time>/):
one result file per process (round-01-base.json, ...), session.json (seed,
order of every round, binaries, arguments), and ab.json (the verdicts),
rewritten after every round: an interrupted session keeps its rounds and
`ab.py --analyse FOLDER` reads them again.

Exit status: 0 nothing got significantly worse; 1 something did (the gate);
2 bad input: a binary that is not contend, sides that ran different cases or
measured differently, an option ab.py sets itself (-o, --repetitions,
--seed, --quiet); one line on stderr, and the rounds already run stay in the
folder.
"""
import argparse
import json
import os
import random
import sys
import time

from . import ab_verdict as av
from . import contend_result as cr
from .ab_rounds import (SIDES, RoundsError, Session, check_binary, check_first_round,
                        check_run_args, pairing)
from .compare import fraction, probability
from .result_inputs import InputError, exit_status, tool_parser

PROG = "ab.py"


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("--base", metavar="BIN", help="contend binary of the BASE side")
    ap.add_argument("--new", metavar="BIN", help="contend binary of the NEW side")
    ap.add_argument("--base-arg", action="append", default=[], metavar="ARG",
                    help="a contend run argument for BASE only (repeatable)")
    ap.add_argument("--new-arg", action="append", default=[], metavar="ARG",
                    help="a contend run argument for NEW only (repeatable)")
    ap.add_argument("--rounds", type=int, default=10, help="rounds (default 10)")
    ap.add_argument("--seed", type=int, help="the session's seed (default: random, recorded)")
    ap.add_argument("-o", "--output", metavar="FOLDER", help="session folder "
                    "(default results/ab/<UTC time>)")
    ap.add_argument("--analyse", metavar="FOLDER",
                    help="no new rounds: the verdicts of an existing session folder")
    ap.add_argument("--alpha", type=probability, default=0.05,
                    help="significance level after correction (default 0.05)")
    ap.add_argument("--min-effect", type=fraction, default=0.05, metavar="FRACTION",
                    help="the change that matters (default 5%%): 'same' needs the interval "
                         "inside it, an alarm an estimate of at least half of it")
    ap.add_argument("--correction", choices=("bh", "holm"), default="bh")
    ap.add_argument("--allow-different-measurement", action="store_true",
                    help="compare sides whose measurement configurations differ (flagged)")
    ap.add_argument("--json", metavar="FILE", help="also write the verdicts here")
    ap.add_argument("--all", action="store_true", help="list the 'same' cases too")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("run_args", nargs=argparse.REMAINDER, metavar="RUN_ARGS")
    return ap


def load_session(folder):
    path = os.path.join(folder, "session.json")
    try:
        with open(path) as f:
            rec = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError("--analyse: %s: not an A/B session folder (%s)" % (folder, e))
    rec["folder"] = folder
    return rec


def paired_cases(rec):
    """PairedCase objects over every completed round of a session record."""
    cases = None
    for r in rec["rounds"]:
        docs = {s: cr.load(r["files"][s], strict=False) for s in SIDES}
        if cases is None:
            cases = [av.PairedCase(b, n) for b, n in pairing(docs["base"], docs["new"]).items()]
        for c in cases:
            c.add(r["round"], docs["base"], docs["new"])
    return cases or []


def verdicts(rec, args):
    settings = av.Settings(alpha=args.alpha, min_effect=args.min_effect,
                           correction=args.correction)
    report = av.analyse(paired_cases(rec), settings)
    report["session"] = {k: rec.get(k) for k in ("seed", "planned_rounds", "binaries", "versions",
                                                 "common_args", "side_args", "rounds", "stopped",
                                                 "measurement_differs")}
    with open(os.path.join(rec["folder"], "ab.json"), "w") as f:
        json.dump(report, f, indent=1, allow_nan=False)
        f.write("\n")
    if args.json:
        try:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1, allow_nan=False)
                f.write("\n")
        except OSError as e:
            raise InputError("--json: %s: cannot write: %s" % (args.json, e.strerror or e))
    sys.stdout.write(av.console(report, rec, args.all))
    return report["summary"]["exit_status"]


def new_session(args):
    if not args.base or not args.new:
        raise InputError("--base and --new: both binaries are needed (or --analyse FOLDER)")
    if args.rounds < av.MIN_ROUNDS:
        raise InputError("--rounds: %d is too few (at least %d: fewer cannot give p < 0.05)"
                         % (args.rounds, av.MIN_ROUNDS))
    run_args = args.run_args[1:] if args.run_args[:1] == ["--"] else args.run_args
    check_run_args(run_args, "RUN_ARGS")
    check_run_args(args.base_arg, "--base-arg")
    check_run_args(args.new_arg, "--new-arg")
    binaries = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    versions = {"base": check_binary(binaries["base"], "--base"),
                "new": check_binary(binaries["new"], "--new")}
    folder = args.output or os.path.join(
        "results", "ab", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise InputError("-o: %s: cannot create: %s" % (folder, e.strerror or e))
    if any(n.startswith("round-") for n in os.listdir(folder)):
        raise InputError("-o: %s already holds a session (ab.py --analyse reads it)" % folder)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2 ** 31)
    return Session(folder, binaries, versions, run_args,
                   {"base": args.base_arg, "new": args.new_arg}, args.rounds, seed)


def run(args):
    if args.analyse:
        return verdicts(load_session(args.analyse), args)
    session = new_session(args)
    session.save()
    def log(text):
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)
    log("A/B session in %s, seed %d" % (session.folder, session.seed))
    try:
        for plan in session.plan:
            files = session.run_round(plan, log)
            if plan["round"] == 1:
                session.measurement_differs = check_first_round(
                    files, args.allow_different_measurement)
    except (RoundsError, KeyboardInterrupt) as e:
        session.stopped = str(e) or "interrupted"
        session.save()
        if isinstance(e, KeyboardInterrupt):
            log("interrupted after %d rounds; kept in %s" % (len(session.rounds), session.folder))
            return verdicts(dict(session.record(), folder=session.folder), args) \
                if len(session.rounds) >= 1 else 130
        raise RoundsError("%s (the rounds run so far are in %s)" % (e, session.folder))
    return verdicts(dict(session.record(), folder=session.folder), args)


def main(argv=None):
    args = parser().parse_args(argv)
    return exit_status(PROG, lambda: run(args))
