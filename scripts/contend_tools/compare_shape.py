"""Curve shape for compare.py: where a primitive's throughput-vs-threads curve
peaks and how far it collapses after the peak, on each side.

Why: a lock that used to scale to 8 threads and now peaks at 4, or that now
falls off a cliff when oversubscribed, has changed in the way its users care
about most, yet each point alone may move by less than the per-point test can
see with 5 repetitions. The shape is judged on the medians of the thread
counts both sides measured; it is not a significance test, which is why it
does not fail the gate unless --gate-shape asks for it.

- peak moved: the two sides peak at different thread counts and the ratio
  throughput(new peak) / throughput(old peak) differs between the sides by at
  least min_effect (two flat tops swapping places by 1 % is no change).
- collapse: 1 - (lowest median after the peak) / (peak median); a change of
  at least shape_threshold (absolute, 0.10 = 10 points of the peak) counts.

Lines measured on different machines or with different measurement
configurations (compare_load.measurement_problems) are not comparable, unless
--allow-different-machine / --allow-different-measurement say otherwise.
"""
import statistics

from . import contend_result as cr
from .compare_load import FIGURE_BY_KEY, measurement_check

THROUGHPUT = FIGURE_BY_KEY["throughput"]


def _curve(case_by_threads):
    """{threads: median throughput of the ok samples}."""
    out = {}
    for t, case in case_by_threads.items():
        vals = case.values(THROUGHPUT)
        if vals:
            out[t] = statistics.median(vals)
    return out


def _shape(curve, threads):
    peak_t = max(threads, key=lambda t: (curve[t], -t))
    peak = curve[peak_t]
    after = [t for t in threads if t > peak_t]
    if not after or peak <= 0:
        return {"peak_threads": peak_t, "peak": peak, "collapse": 0.0,
                "collapse_threads": None}
    low_t = min(after, key=lambda t: curve[t])
    return {"peak_threads": peak_t, "peak": peak, "collapse": 1.0 - curve[low_t] / peak,
            "collapse_threads": low_t}


def _threads(case):
    for r in case.rows:
        t = cr.threads_of(r)
        if isinstance(t, int):
            return t
    t = (case.params or {}).get("threads")
    return t if isinstance(t, int) else None


def _lines(side, names):
    lines = {}
    for n in names:
        c = side.cases[n]
        t = _threads(c)
        if t is None or not c.ok:
            continue
        key = (c.scenario, c.primitive,
               cr.params_key({"params": c.params}))
        lines.setdefault(key, {})[t] = c
    return lines


def compare_shapes(base, new, matched, settings):
    """One entry per (scenario, primitive, fixed parameters) line with at
    least three thread counts on both sides."""
    lb, ln = _lines(base, matched), _lines(new, matched)
    out = []
    for key, bcases in lb.items():
        ncases = ln.get(key)
        if not ncases:
            continue
        cb, cn = _curve(bcases), _curve(ncases)
        threads = sorted(set(cb) & set(cn))
        if len(threads) < 3:
            continue
        entry = {"scenario": key[0], "primitive": key[1], "params": dict(key[2]),
                 "threads": threads, "verdict": None, "changes": [],
                 "base_curve": [cb[t] for t in threads], "new_curve": [cn[t] for t in threads]}
        if any(bcases[t].machine != ncases[t].machine for t in threads) \
                and not settings.allow_different_machine:
            entry["changes"].append("different machine")
        entry["changes"] += list(dict.fromkeys(
            p for t in threads for p in measurement_check(bcases[t], ncases[t], settings)[1]))
        if entry["changes"]:
            entry["verdict"] = "not comparable"
            out.append(entry)
            continue
        sb, sn = _shape(cb, threads), _shape(cn, threads)
        entry["base"], entry["new"] = sb, sn
        worse = better = False
        tb, tn = sb["peak_threads"], sn["peak_threads"]
        if tb != tn and cb[tb] > 0 and cn[tb] > 0:
            rel = (cn[tn] / cn[tb]) / (cb[tn] / cb[tb]) - 1.0
            if rel >= settings.min_effect:
                entry["changes"].append("peak %d -> %d threads" % (tb, tn))
                worse |= tn < tb
                better |= tn > tb
        d = sn["collapse"] - sb["collapse"]
        if abs(d) >= settings.shape_threshold:
            entry["changes"].append("collapse after the peak %.0f%% -> %.0f%%"
                                    % (100 * sb["collapse"], 100 * sn["collapse"]))
            worse |= d > 0
            better |= d < 0
        if worse:
            entry["verdict"] = "worse"
        elif better:
            entry["verdict"] = "better"
        out.append(entry)
    return out
