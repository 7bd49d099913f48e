"""One self-contained HTML report of a contend run, optionally compared with a base.

Usage: report.py RESULT.json [BASE.json] [-o report.html]

The page holds, in this order: the environment and its warnings; validation
(cases that are invalid, timed out, crashed or deadlocked first, then the
unstable ones); fidelity (the `none` control against an empty loop, 1x1
queues against their bare loop); given BASE, the comparison of compare.py (same statistics and
verdicts, BASE may be a folder); summary tables per scenario; every figure
plot.py draws, inline as SVG. It has no script and loads nothing (no network,
no external style, font or image), so it can be mailed or attached to a CI
run. Every name taken from a result file is escaped.

Writes RESULT-report.html beside RESULT.json unless -o says otherwise.

Exit status: 0 written (whatever the comparison says: compare.py is the
gate); 2 bad input or unwritable output (one line on stderr).
"""
import datetime
import os
import sys

from . import contend_result as cr
from . import report_html as rh
from .compare import fraction, probability
from .compare_load import Side
from .compare_shape import compare_shapes
from .compare_verdict import Settings, compare, summarize
from .result_inputs import InputError, exit_status, tool_parser

PROG = "report.py"


def default_output(result):
    stem = os.path.basename(result)
    stem = stem[:-5] if stem.endswith(".json") else stem
    return os.path.join(os.path.dirname(os.path.abspath(result)), stem + "-report.html")


def build(args):
    try:
        doc = cr.load(args.result, strict=False)
    except cr.ContendResultError as e:
        raise InputError("%s: %s" % (args.result, e)) from None
    ctx = doc.get("context") or {}
    cv_threshold = args.cv_threshold
    if cv_threshold is None:
        opt = (ctx.get("options") or {}).get("cv_threshold")
        cv_threshold = opt if isinstance(opt, (int, float)) and opt > 0 else 0.10
    sections = [("environment", "Environment", rh.environment(ctx)),
                ("validation", "Validation", rh.validation(doc, cv_threshold)),
                ("fidelity", "Fidelity", rh.fidelity(doc))]
    if args.base:
        base = Side("BASE", [args.base])
        new = Side("NEW", [args.result])
        settings = Settings(alpha=args.alpha, min_effect=args.min_effect,
                            cv_threshold=cv_threshold,
                            allow_different_machine=args.allow_different_machine)
        report = compare(base, new, settings)
        report["shape"] = compare_shapes(base, new, [c["name"] for c in report["cases"]
                                                     if c["status"] == {"base": "ok",
                                                                        "new": "ok"}],
                                         settings)
        summarize(report)
        sections.append(("comparison", "Comparison", rh.comparison(report, args.base)))
    sections.append(("summary", "Summary", rh.summary_tables(doc)))
    promises = rh.promises_table(doc)
    if promises:
        sections.append(("primitives", "Primitives", promises))
    if args.no_figures:
        svgs, error = [], None
    else:
        from . import report_svg  # matplotlib starts only once the input is known good
        svgs, error = report_svg.draw(doc)
        if error:
            print("%s: warning: figures not drawn: %s" % (PROG, error), file=sys.stderr)
    sections.append(("figures", "Figures", rh.figures(svgs, error)))
    title = "contend report: %s" % os.path.basename(args.result)
    subtitle = "%s on %s (%s CPUs, %s), contend %s, git %s%s" % (
        ctx.get("date", "?"), ctx.get("host_name", "?"), ctx.get("num_cpus", "?"),
        ctx.get("cpu_model") or "CPU unknown", ctx.get("contend_version", "?"),
        ctx.get("git_revision") or "unknown", "; compared with %s" % args.base
        if args.base else "")
    subtitle += "; report written %s" % datetime.datetime.now(
        datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return rh.page(title, subtitle, sections), len(svgs)


def write_report(args, out):
    """Builds the page and writes it to `out`; exit status 0."""
    text, n_figures = build(args)
    tmp = out + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)  # never a half-written report
    except OSError as e:
        raise InputError("%s: cannot write: %s" % (out, e.strerror or e)) from None
    print("%s (%d figures)" % (out, n_figures))
    return 0


def main(argv=None):
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("result", metavar="RESULT.json")
    ap.add_argument("base", metavar="BASE.json", nargs="?",
                    help="a result (or folder of them) to compare with")
    ap.add_argument("-o", "--output", metavar="report.html")
    ap.add_argument("--no-figures", action="store_true", help="leave the figures out")
    ap.add_argument("--alpha", type=probability, default=0.05)
    ap.add_argument("--min-effect", type=fraction, default=0.05, metavar="FRACTION")
    ap.add_argument("--cv-threshold", type=fraction, default=None, metavar="FRACTION",
                    help="default: the run's own options.cv_threshold, else 10%%")
    ap.add_argument("--allow-different-machine", action="store_true")
    args = ap.parse_args(argv)
    out = args.output or default_output(args.result)
    return exit_status(PROG, lambda: write_report(args, out))

