"""Do the delays of a run last what they were asked to, alike for every
primitive? The three delay figures of README's methodology, read from a
result file (a default run, say):

Usage: delay_fidelity.py RESULT.json

1. achieved / requested within +-5 %: the share of delay records (one per
   delay per repetition: the median of its sampled operations) of busy work
   (cs_ns, think_ns, work_ns, ...), split into cases that are not
   oversubscribed (target >= 95 %) and oversubscribed ones, where a
   preempted holder really does lengthen a critical section. Sleeps (io_ns,
   pickup_gap_ns) include the kernel's wake-up latency and are counted
   apart.
2. two primitives at the same setting: per scenario, parameters and delay,
   the medians of each primitive's achieved duration, and how far the
   furthest two are apart (target: within +-3 %), over the groups that are
   not oversubscribed.
3. the calibration's spread across the run's repetitions (max - min over the
   median of iterations_per_ns; target <= 3 %).

A benchmark, not a test: it prints and exits 0 (2 for a file that is not a
contend result).
"""
import statistics

from . import contend_result as cr
from .result_inputs import InputError, exit_status, tool_parser

PROG = "delay_fidelity.py"
SLEEPS = ("io_ns", "pickup_gap_ns")
WITHIN = 0.05
PRIMITIVES_WITHIN = 0.03
CALIBRATION_WITHIN = 0.03


def _share(ok, n):
    return "%d of %d (%.1f %%)" % (ok, n, 100.0 * ok / n) if n else "none"


def measure(doc):
    counts = {}
    groups = {}
    calibrations = []
    for row in cr.samples(doc):
        for name, d in (row.get("delays") or {}).items():
            if not isinstance(d, dict) or not d.get("requested") or d.get("achieved") is None:
                continue
            kind = "sleep" if name in SLEEPS else \
                "busy, oversubscribed" if row.get("oversubscribed") else "busy"
            n, ok = counts.get(kind, (0, 0))
            counts[kind] = (n + 1, ok + (abs(d["achieved"] / d["requested"] - 1) <= WITHIN))
            if d.get("iterations_per_ns"):
                calibrations.append(d["iterations_per_ns"])
            if kind == "busy":
                key = (row.get("scenario"), cr.params_key(row, exclude=()), name)
                groups.setdefault(key, {}).setdefault(row.get("primitive"), []).append(
                    d["achieved"])
    apart = []
    for key, by_primitive in groups.items():
        if len(by_primitive) < 2:
            continue
        medians = [statistics.median(v) for v in by_primitive.values()]
        apart.append((max(medians) / min(medians) - 1, key, len(medians)))
    return counts, apart, calibrations


def run(args):
    try:
        doc = cr.load(args.result, strict=False)
    except cr.ContendResultError as e:
        raise InputError("%s: %s" % (args.result, e)) from None
    counts, apart, calibrations = measure(doc)
    print("delay records within +-%.0f %% of the request:" % (100 * WITHIN))
    for kind in ("busy", "busy, oversubscribed", "sleep"):
        n, ok = counts.get(kind, (0, 0))
        target = " (target >= 95 %)" if kind == "busy" else ""
        print("  %-22s %s%s" % (kind, _share(ok, n), target))
    within = sum(1 for a, _, _ in apart if a <= PRIMITIVES_WITHIN)
    print("same setting, different primitives (not oversubscribed): %s groups within +-%.0f %%"
          % (_share(within, len(apart)), 100 * PRIMITIVES_WITHIN))
    for a, key, k in sorted(apart, reverse=True)[:3]:
        print("  furthest apart: %.1f %% over %d primitives: %s %s %s"
              % (100 * a, k, key[0], key[2], cr.params_text(dict(key[1]))))
    if calibrations:
        med = statistics.median(calibrations)
        spread = (max(calibrations) - min(calibrations)) / med
        print("calibration across the run's repetitions: %.4g..%.4g ticks/ns, spread %.2f %% "
              "(target <= %.0f %%)" % (min(calibrations), max(calibrations), 100 * spread,
                                       100 * CALIBRATION_WITHIN))
    return 0


def main(argv=None):
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("result", metavar="RESULT.json")
    args = ap.parse_args(argv)
    return exit_status(PROG, lambda: run(args))
