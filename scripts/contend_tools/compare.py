"""Compare two contend runs case by case; a regression gate for CI.

Usage: compare.py BASE NEW [options]
       compare.py --store URL|default [--history K] NEW [options]

BASE and NEW are result files or folders of them (a folder's *.json files that
are not contend results, such as micro.json or env.json, are skipped with a
note). Cases are matched by name; those on one side only are listed.

The run is the unit. Each result file is one run: one session of the machine,
one draw of code and memory layout. With at least 3 runs per side (a folder of
nightly runs against a folder of new ones), the runs are the observations and
their repetitions nest inside them: a hierarchical bootstrap (Kalibera and
Jones, ISMM 2013) gives the interval and the p-value, and a shift between
sessions cannot pass for a change. With one run per side the repetitions are
all there is; they share their run's session, so a significant move reads
"inconclusive: one run per side cannot tell a change from a shift between two
sessions" and never fails the gate (two runs of one build a minute apart
moved whole figures by more than their repetitions' spread). ab.py, which
interleaves the two builds in one session, is the way to check a change with
one run's worth of time. --one-session restores the repetitions as the unit,
for two sides measured in one session (two primitives of one run, say).

For every matched case and each tracked figure (throughput, CPU ns/op, Jain
index, p99 of the primary latency), the per-repetition samples of both sides
go through a two-sided Mann-Whitney U test (exact, ties included). The
p-values are corrected for the number of comparisons: Benjamini-Hochberg by
default, per figure (the cases of one figure form a family), which bounds the
share of false alarms among the changes reported. Each figure also gets a 95 %
percentile bootstrap interval of the relative change of the medians (2000
resamples of each side's repetitions, fixed seed: the same files always give
the same verdicts), printed beside the change: "+3.1% [-1.2, +7.4]". Verdicts:

  worse / better   corrected p <= alpha AND the medians moved by at least
                   --min-effect (5 %) in the bad / good direction
  unstable         no significant change, robust spread (MAD) above --cv-threshold
  same             no move of --min-effect is significant, and the whole
                   interval lies strictly inside +-min-effect
  inconclusive     neither: the medians moved by less than min-effect but the
                   interval reaches beyond it, or by more and not
                   significantly. More repetitions would decide. It does not
                   fail the gate.
  not comparable   fewer than 5 samples on a side (3 vs 3 can never give
                   p < 0.05), another machine (host, CPU model or CPU count
                   differ; --allow-different-machine compares anyway, flagged),
                   another measurement configuration ("measurement differs:
                   sample_every 1 vs 1000": protocol_version, sample_every,
                   latency_window_ns, duration_ns, warmup_ns, pin, build_type,
                   cxx_flags, sanitizer must be equal, the delay calibration
                   within --delay-tolerance; order and seed do not count; a
                   file without context.measurement is protocol 1; pooled
                   files of one side must agree too;
                   --allow-different-measurement compares anyway, flagged;
                   --allow-different-machine accepts that machine's delay
                   calibration, flagged, not the other fields),
                   a figure missing on one side, or a move of at least
                   --min-effect that could not have been significant: with 5
                   vs 5 samples the smallest p is 0.0079, so BH over more than
                   about 6 tests with no other change cannot reach it. The
                   output says so and how many repetitions would.

With --store, BASE is NEW's own history in the results store (store.py):
the last K (--history, default 10) result runs of the same machine and
measurement configuration dated before NEW, each run one observation: the
new run's median against the earlier runs' medians (Student's t on their
logs, a prediction interval), so it alarms where the new run lies outside
what its machine did before, and ten earlier runs give the power five
repetitions of one run never can. NEW is a result file (stored or not) or a
stored run (id, 8+ hex digits of its hash, or `latest`).

A case that was ok in BASE and is invalid, timed out, crashed or deadlocked in
NEW is worse (a correctness regression). --family all corrects over every
test at once (fewer false alarms, needs more repetitions); --family case only
over each case's own figures (most sensitive: with many cases expect the odd
false alarm). --correction holm controls the chance of any false alarm
instead of their share, and is stricter still.

Curve shape: per primitive and parameter set, the thread count where
throughput peaks and the collapse after it; a change is listed even where no
single point is significant. It gates only with --gate-shape.

Output: a console table (worse first), --md for a pull-request comment, --json
for machines; given a FILE they are written there and the table is printed,
given no FILE they replace it on stdout.

Exit status: 0 nothing got significantly worse (unstable, inconclusive and
not comparable do not fail the gate); 1 something did (the gate); 2 bad input
(one line on stderr).
"""
import argparse
import json
import re
import sys

from .compare_load import DELAY_TOLERANCE, Side
from . import compare_render as render
from .compare_shape import compare_shapes
from .compare_verdict import Settings, compare, summarize
from .result_inputs import InputError, exit_status, tool_parser

PROG = "compare.py"

def fraction(text):
    """'5%' or '0.05' -> 0.05."""
    t = text.strip()
    try:
        v = float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a fraction (0.05) or a percentage (5%%)"
                                         % text) from None
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError("%r is outside [0, 1)" % text)
    return v


def probability(text):
    v = fraction(text)
    if v <= 0:
        raise argparse.ArgumentTypeError("%r must be above 0" % text)
    return v


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("inputs", nargs="+", metavar="BASE NEW",
                    help="result files or folders of them; with --store only NEW")
    ap.add_argument("--store", metavar="URL",
                    help="BASE is NEW's history in this store ('default': $CONTEND_STORE, "
                         "else the default store file)")
    ap.add_argument("--history", type=int, default=10, metavar="K",
                    help="with --store: how many earlier runs form BASE (default 10)")
    ap.add_argument("--md", nargs="?", const="-", metavar="FILE",
                    help="Markdown for a pull-request comment (to FILE, or stdout)")
    ap.add_argument("--json", nargs="?", const="-", metavar="FILE",
                    help="the whole comparison as JSON (to FILE, or stdout)")
    ap.add_argument("--all", action="store_true", help="list the 'same' rows too")
    ap.add_argument("--case", metavar="REGEX", help="compare only cases whose name matches")
    ap.add_argument("--alpha", type=probability, default=0.05,
                    help="significance level after correction (default 0.05)")
    ap.add_argument("--min-effect", type=fraction, default=0.05, metavar="FRACTION",
                    help="smallest relative change of the medians that counts (default 5%%)")
    ap.add_argument("--cv-threshold", type=fraction, default=0.10, metavar="FRACTION",
                    help="a side above this robust spread (1.4826 MAD / median, read like a "
                         "CV) makes a non-significant figure unstable "
                         "(default 10%%, contend run's own default)")
    ap.add_argument("--correction", choices=("bh", "holm"), default="bh",
                    help="Benjamini-Hochberg (default) or Holm")
    ap.add_argument("--family", choices=("figure", "all", "case"), default="figure",
                    help="what one correction covers (default: each figure over all cases)")
    ap.add_argument("--allow-different-machine", action="store_true",
                    help="compare cases measured on different machines (flagged)")
    ap.add_argument("--allow-different-measurement", action="store_true",
                    help="compare cases measured with different measurement configurations "
                         "(sample_every, pin, durations, build, ...; flagged)")
    ap.add_argument("--delay-tolerance", type=fraction, default=DELAY_TOLERANCE,
                    metavar="FRACTION",
                    help="how far the delay calibrations (iterations per ns) of two runs may "
                         "differ (default %.0f%%%%)" % (100 * DELAY_TOLERANCE))
    ap.add_argument("--one-session", action="store_true",
                    help="BASE and NEW come from one session: their repetitions are the unit "
                         "even with one run per side")
    ap.add_argument("--shape-threshold", type=fraction, default=0.10, metavar="FRACTION",
                    help="change of the post-peak collapse that counts (default 0.10)")
    ap.add_argument("--gate-shape", action="store_true",
                    help="a curve shape that got worse fails the gate too")
    return ap


def _write(path, text, label):
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        raise InputError("%s: %s: cannot write: %s" % (label, path, e.strerror or e)) from None


def run(args):
    history_note = None
    if args.store is not None:
        if len(args.inputs) != 1:
            raise InputError("with --store give NEW only (a result file or a stored run), "
                             "got %d inputs" % len(args.inputs))
        from .compare_store import sides
        base, new, history_note = sides(args.store or None, args.inputs[0], args.history,
                                        args.delay_tolerance)
    elif len(args.inputs) != 2:
        raise InputError("give BASE and NEW (or --store and NEW), got %d input%s"
                         % (len(args.inputs), "" if len(args.inputs) == 1 else "s"))
    else:
        base = Side("BASE", [args.inputs[0]], args.delay_tolerance)
        new = Side("NEW", [args.inputs[1]], args.delay_tolerance)
    if args.case:
        try:
            pat = re.compile(args.case)
        except re.error as e:
            raise InputError("--case: %r is not a regular expression: %s" % (args.case, e))
        for side in (base, new):
            side.cases = {n: c for n, c in side.cases.items() if pat.search(n)}
    if not any(n in new.cases for n in base.cases):
        raise InputError("no case in common between BASE (%d cases) and NEW (%d cases)%s"
                         % (len(base.cases), len(new.cases),
                            " matching --case" if args.case else ""))
    settings = Settings(alpha=args.alpha, min_effect=args.min_effect,
                        cv_threshold=args.cv_threshold, correction=args.correction,
                        family=args.family, allow_different_machine=args.allow_different_machine,
                        shape_threshold=args.shape_threshold, gate_shape=args.gate_shape,
                        allow_different_measurement=args.allow_different_measurement,
                        delay_tolerance=args.delay_tolerance, one_session=args.one_session)
    report = compare(base, new, settings)
    report["shape"] = compare_shapes(base, new, [c["name"] for c in report["cases"]
                                                 if c["status"]["base"] == "ok"
                                                 and c["status"]["new"] == "ok"], settings)
    summary = summarize(report)
    if history_note:
        report["history"] = history_note
        print(history_note, file=sys.stderr)
    for key, side in (("base", base), ("new", new)):
        report[key] = {"paths": side.paths, "files": [p for p, _ in side.files],
                       "skipped": [{"path": p, "why": w} for p, w in side.skipped],
                       "warnings": side.warnings, "measurements": side.measurement_list()}
    table_to_stdout = True
    if args.json:
        _write(args.json, json.dumps(report, indent=1, allow_nan=False) + "\n", "--json")
        table_to_stdout &= args.json != "-"
    if args.md:
        _write(args.md, render.markdown(report, base, new, args.all), "--md")
        table_to_stdout &= args.md != "-"
    if table_to_stdout:
        sys.stdout.write(render.console(report, base, new, args.all))
    return summary["exit_status"]


def main(argv=None):
    args = parser().parse_args(argv)
    if args.json == "-" and args.md == "-":
        print("%s: error: --json and --md cannot both go to stdout" % PROG, file=sys.stderr)
        return 2
    return exit_status(PROG, lambda: run(args))

