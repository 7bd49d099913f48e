"""Follow every case of many contend runs over time and find level changes.

Usage: history.py FILE|DIR... [options]
       history.py --store URL|default [--machine M] [options]

The runs are ordered by context.date (default) or by git revision
(--order git: the position of context.git_revision in `git rev-list` of the
repository, runs of one revision by date). Each case's figures (throughput,
CPU ns/op, Jain index, p99 of the primary latency) form one series each: per
run the median of the ok repetitions and their spread.

A level change is found by a change-point test over the whole series, not
by comparing a run with the one before it (history_changepoint.py): binary
segmentation, where each split is judged by a permutation test of the
largest standardised difference between the level before and after (each
run weighted by the spread of its own repetitions). The whole-series tests
are corrected across series with Benjamini-Hochberg at --alpha, so a history
of a thousand series does not raise fifty false alarms; a change must also
move the level by at least --min-shift and leave --min-segment runs on each
side (a single odd run is not a level).

Prints the changes found, worse first; --json writes everything; plots
(PNG + SVG, median with min-max band, segment levels, changes marked) go to
-o DIR for the series with a change, or for every series with --plot all.

--store reads the runs from the results store (store.py) instead of files:
the result runs of one machine (--machine, needed when it holds several)
measured with one configuration (the latest run's, or --config), their
figures from the store's tables (history_store.py).

Exit status: 0 done (whether or not something changed); 1 with --gate, when
a series' latest level change is for the worse (its level is still the
worse one at the newest run: what a nightly job should fail on); 2 bad input.
"""
import datetime
import json
import math
import os
import re
import statistics
import subprocess

from . import compare_stats as st
from . import contend_result as cr
from . import history_changepoint as hc
from .compare_load import FIGURE_BY_KEY, FIGURES
from .compare_render import fmt_value
from .result_inputs import InputError, exit_status, tool_parser

PROG = "history.py"
FIRST_PERMUTATIONS = 999
MAX_PERMUTATIONS = 50000


def run_date(ctx):
    try:
        d = datetime.datetime.fromisoformat(str(ctx.get("date")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=datetime.timezone.utc)


def load_runs(paths):
    runs, skipped = [], []
    for path in paths:
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if n.endswith(".json"))
            if not names:
                raise InputError("%s: no .json file in this folder" % path)
            for n in names:
                full = os.path.join(path, n)
                try:
                    runs.append({"path": full, "doc": cr.load(full, strict=False)})
                except cr.NotAResultError as e:
                    skipped.append("%s: %s" % (full, e))
                except cr.ContendResultError as e:
                    raise InputError("%s: %s" % (full, e)) from None
        else:
            try:
                runs.append({"path": path, "doc": cr.load(path, strict=False)})
            except cr.ContendResultError as e:
                raise InputError("%s: %s" % (path, e)) from None
    for r in runs:
        ctx = r["doc"].get("context") or {}
        r["date"] = run_date(ctx)
        r["rev"] = ctx.get("git_revision") if isinstance(ctx.get("git_revision"), str) else None
    return runs, skipped


def git_positions(repo):
    try:
        out = subprocess.run(["git", "-C", repo, "rev-list", "--topo-order", "--reverse",
                              "--all"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError("--order git: cannot run git in %s: %s" % (repo, e)) from None
    if out.returncode != 0:
        raise InputError("--order git: %s is not a git repository (%s)"
                         % (repo, out.stderr.strip().splitlines()[-1:] or "git failed"))
    return out.stdout.split()


def order_runs(runs, order, repo, warnings):
    far = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    if order == "git":
        revs = git_positions(repo)
        for r in runs:
            rev = (r["rev"] or "").split("-")[0]
            hits = [i for i, full in enumerate(revs) if rev and full.startswith(rev)]
            r["git_pos"] = hits[0] if hits else None
        unknown = [r["path"] for r in runs if r["git_pos"] is None]
        if unknown:
            warnings.append("%d run%s with a revision not in %s's history put last, by date: %s"
                            % (len(unknown), "" if len(unknown) == 1 else "s", repo,
                               ", ".join(unknown[:3]) + (" ..." if len(unknown) > 3 else "")))
        runs.sort(key=lambda r: (r["git_pos"] is None, r["git_pos"] or 0, r["date"] or far,
                                 r["path"]))
    else:
        undated = [r["path"] for r in runs if r["date"] is None]
        if undated:
            warnings.append("no readable context.date in %s: put first" % ", ".join(undated[:3]))
        runs.sort(key=lambda r: (r["date"] or far, r["path"]))
    for i, r in enumerate(runs):
        r["index"] = i
        r["label"] = "%s%s" % (r["date"].strftime("%Y-%m-%d %H:%M") if r["date"] else "?",
                               " " + r["rev"][:8] if r["rev"] else "")


def build_series(runs, figures, case_filter, order):
    """{(case, figure): series dict} in first-seen case order."""
    cases = {}
    for r in runs:
        doc = r["doc"]
        ledger = {c.get("name"): c.get("status") for c in doc.get("cases") or []
                  if isinstance(c, dict)}
        rows = {}
        for row in cr.samples(doc):
            name = row.get("run_name") or row.get("name")
            if isinstance(name, str):
                rows.setdefault(name, []).append(row)
        for name in list(ledger) + [n for n in rows if n not in ledger]:
            if not isinstance(name, str) or (case_filter and not case_filter.search(name)):
                continue
            got = rows.get(name, [])
            status = ledger.get(name) or ("ok" if all(cr.is_ok(x) for x in got) else
                                          next(x.get("status") for x in got if not cr.is_ok(x)))
            cases.setdefault(name, []).append((r["index"], status, got))
    out = {}
    for name, visits in cases.items():
        for fig in figures:
            visited = [(run, status, [v for v in (fig.extract(x) for x in got if cr.is_ok(x))
                                      if v is not None]) for run, status, got in visits]
            add_series(out, name, fig, order, visited)
    return out


def add_series(out, name, fig, order, visits):
    """out[(name, figure)] = the series of `visits` [(run index, case status,
    the figure's values in its ok repetitions)], when it has a value."""
    points = []
    for run, status, vals in visits:
        if status == "ok" and not vals:
            continue  # the figure does not exist for this case
        points.append({"run": run, "status": status, "n": len(vals), "samples": vals,
                       "median": statistics.median(vals) if vals else None,
                       "min": min(vals) if vals else None, "max": max(vals) if vals else None})
    if any(p["median"] is not None for p in points):
        out[(name, fig.key)] = {"case": name, "figure": fig.key, "label": fig.label,
                                "unit": fig.unit, "order": order,
                                "higher_is_better": fig.higher_is_better, "points": points,
                                "changes": [], "p": None, "p_adjusted": None, "levels": []}


def analyse(series, args):
    """Test every long-enough series, correct across them, segment the winners."""
    tested = []
    for i, s in enumerate(series.values()):
        pts = [p for p in s["points"] if p["median"] is not None]
        if len(pts) < 2 * args.min_segment:
            s["note"] = "too short: %d runs with a value, %d needed" % (len(pts),
                                                                        2 * args.min_segment)
            continue
        y, w, _ = hc.prepare([p["median"] for p in pts], [p["samples"] for p in pts])
        rng = hc.np.random.default_rng(args.seed + i)
        res = hc.split_test(y, w, rng, FIRST_PERMUTATIONS, args.min_segment)
        if res is None:
            continue
        s["_first"] = res
        s["_seed"] = args.seed + i
        tested.append(s)
    m = len(tested)
    # The permutation p cannot go below 1/(P+1): where the first pass hit its
    # floor and the correction needs more, look closer.
    need = min(MAX_PERMUTATIONS, int(math.ceil(2 * m / args.alpha)))
    for s in tested:
        split, p = s["_first"]
        if need > FIRST_PERMUTATIONS and p <= 5.0 / (FIRST_PERMUTATIONS + 1):
            pts = [q for q in s["points"] if q["median"] is not None]
            y, w, _ = hc.prepare([q["median"] for q in pts], [q["samples"] for q in pts])
            s["_first"] = hc.split_test(y, w, hc.np.random.default_rng(s["_seed"]), need,
                                        args.min_segment)
    adj = st.adjust([s["_first"][1] for s in tested], "bh")
    for s, a in zip(tested, adj):
        s["p"], s["p_adjusted"] = s["_first"][1], a
        pts = [q for q in s["points"] if q["median"] is not None]
        meds = [q["median"] for q in pts]
        if a <= args.alpha:
            s["changes"] = hc.detect(meds, [q["samples"] for q in pts], alpha=args.alpha,
                                     min_shift=args.min_shift, min_segment=args.min_segment,
                                     permutations=FIRST_PERMUTATIONS, seed=s["_seed"],
                                     first_p=(s["_first"][0], 0.0))
            for c in s["changes"]:
                c["run"] = pts[c["index"]]["run"]
                if c["index"] == s["_first"][0]:
                    c["p"] = s["p_adjusted"]  # the corrected whole-series p
                good = c["shift"] is not None and (c["shift"] > 0) == s["higher_is_better"]
                c["direction"] = "better" if good else "worse"
        s["levels"] = hc.segment_levels(meds, [c["index"] for c in s["changes"]])
    for s in series.values():
        s.pop("_first", None)
        s.pop("_seed", None)
    return m


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("paths", nargs="*", metavar="FILE|DIR")
    ap.add_argument("--store", metavar="URL",
                    help="read the runs from this store ('default': $CONTEND_STORE, else the "
                         "default store file)")
    ap.add_argument("--machine", metavar="M",
                    help="with --store: machine id, fingerprint or host name")
    ap.add_argument("--config", metavar="KEY",
                    help="with --store: measurement configuration (default: the latest run's)")
    ap.add_argument("--gate", action="store_true",
                    help="exit 1 when a series' latest level change is for the worse")
    ap.add_argument("-o", "--out-dir", default="history-plots", metavar="DIR",
                    help="where plots go (default ./history-plots)")
    ap.add_argument("--plot", choices=("changes", "all", "none"), default="changes",
                    help="which series to plot (default: those with a change)")
    ap.add_argument("--json", metavar="FILE", help="write the series and changes as JSON")
    ap.add_argument("--order", choices=("date", "git"), default="date")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), help="git repository for --order git (default: this one)")
    ap.add_argument("--figure", default=",".join(f.key for f in FIGURES),
                    help="comma-separated figures (default: %(default)s)")
    ap.add_argument("--case", metavar="REGEX", help="only cases whose name matches")
    ap.add_argument("--alpha", type=float, default=0.05,
                    help="level of the tests, BH-corrected across series (default 0.05)")
    ap.add_argument("--min-shift", type=float, default=0.05,
                    help="smallest relative level change reported (default 0.05)")
    ap.add_argument("--min-segment", type=int, default=2,
                    help="runs needed on each side of a change (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the permutations")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    return exit_status(PROG, lambda: run(args))


def run(args):
    if not 0 < args.alpha < 1 or not 0 <= args.min_shift < 10 or args.min_segment < 1:
        raise InputError("--alpha must be in (0, 1), --min-shift >= 0, --min-segment >= 1")
    figures = []
    for key in args.figure.split(","):
        if key.strip() not in FIGURE_BY_KEY:
            raise InputError("--figure: unknown figure %r (allowed: %s)"
                             % (key, ", ".join(FIGURE_BY_KEY)))
        figures.append(FIGURE_BY_KEY[key.strip()])
    try:
        case_filter = re.compile(args.case) if args.case else None
    except re.error as e:
        raise InputError("--case: %r is not a regular expression: %s" % (args.case, e))
    if args.store is not None:
        if args.paths:
            raise InputError("--store reads the runs from the store: name no file (got %s)"
                             % ", ".join(args.paths))
        from .history_store import load
        runs, series, warnings = load(args, figures, case_filter, order_runs)
    elif not args.paths:
        raise InputError("name result files or folders, or --store")
    else:
        runs, skipped = load_runs(args.paths)
        if len(runs) < 2:
            raise InputError("%s: a history needs at least 2 result files, found %d"
                             % (", ".join(args.paths), len(runs)))
        warnings = ["skipped %s" % s for s in skipped]
        order_runs(runs, args.order, args.repo, warnings)
        series = build_series(runs, figures, case_filter, args.order)
    if not series:
        raise InputError("no case%s with a value in these runs"
                         % (" matching --case" if case_filter else ""))
    tested = analyse(series, args)
    changed = [s for s in series.values() if s["changes"]]
    report(runs, series, changed, tested, warnings, args)
    if args.json:
        doc = {"runs": [{"index": r["index"], "path": r["path"], "label": r["label"],
                         "date": r["date"].isoformat() if r["date"] else None,
                         "git_revision": r["rev"]} for r in runs],
               "settings": {"order": args.order, "alpha": args.alpha, "correction": "bh",
                            "min_shift": args.min_shift, "min_segment": args.min_segment,
                            "seed": args.seed},
               "tested_series": tested, "warnings": warnings,
               "series": [{k: v for k, v in s.items()} for s in series.values()]}
        try:
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=1, allow_nan=False)
        except OSError as e:
            raise InputError("--json: %s: cannot write: %s" % (args.json, e.strerror or e))
    plots = list(series.values()) if args.plot == "all" else changed if \
        args.plot == "changes" else []
    if plots:
        try:
            os.makedirs(args.out_dir, exist_ok=True)
        except OSError as e:
            raise InputError("-o: %s: cannot create: %s" % (args.out_dir, e.strerror or e))
        from . import history_plot  # starts matplotlib: only when there is something to draw
        used = set()
        for s in plots:
            for path in history_plot.plot_series(s, runs, args.out_dir, used):
                print("plot: %s" % path)
    still_worse = [s for s in changed if s["changes"][-1]["direction"] == "worse"]
    if args.gate and still_worse:
        print("GATE: FAIL: %d series at a worse level since their latest change (%s)"
              % (len(still_worse), ", ".join("%s %s" % (s["case"], s["figure"])
                                             for s in still_worse[:3])
                 + (" ..." if len(still_worse) > 3 else "")))
        return 1
    if args.gate:
        print("GATE: PASS: no series at a worse level since its latest change")
    return 0


def report(runs, series, changed, tested, warnings, args):
    first, last = runs[0], runs[-1]
    print("%d runs (%s .. %s, ordered by %s); %d series, %d long enough to test "
          "(%d runs on each side of a change)"
          % (len(runs), first["label"], last["label"], args.order, len(series), tested,
             args.min_segment))
    n_changes = sum(len(s["changes"]) for s in changed)
    print("%d level change%s in %d series (BH across series at %.3g, min shift %.0f%%)"
          % (n_changes, "" if n_changes == 1 else "s", len(changed), args.alpha,
             100 * args.min_shift))
    for w in warnings:
        print("warning: %s" % w)
    rows = [(c, s) for s in changed for c in s["changes"]]
    rows.sort(key=lambda cs: (cs[0]["direction"] != "worse", -abs(cs[0]["shift"] or 0)))
    for c, s in rows:
        print("%-7s %+7.1f%%  %-16s %s -> %s  at run %d (%s), p=%.2g  %s" % (
            c["direction"].upper(), 100 * (c["shift"] or 0), s["label"],
            fmt_value(c["before"], s["unit"]), fmt_value(c["after"], s["unit"]), c["run"],
            runs[c["run"]]["label"], c["p"], s["case"]))

