"""What the trend dashboard draws, read from the store in a few bulk
queries: per machine its result runs in order, and per (machine, case,
figure) a series — per run the median of the ok repetitions and their
min..max — with its change points and its latest verdict.

Change points are history.py's: history.analyse() itself, run over every
series of the page at once (the whole-series permutation tests corrected
across them with Benjamini-Hochberg, then binary segmentation of the
winners; min shift 5 %, min segment 2 runs).

The queries are the portable subset both back ends speak, by run id in
chunks (one statement per 500 runs) and figure columns named once.
"""
import json
import statistics
import types

from . import history
from .compare_load import FIGURE_BY_KEY
from .store_db import BAD_INPUT, StoreError
from . import store_query as q

CHUNK = 500
ALPHA = 0.05
MIN_SHIFT = 0.05
MIN_SEGMENT = 2
SEED = 1
# Verdict codes, in the order the table lists them.
WORSE, BETTER, SAME = -1, 1, 0


def figures_of(text):
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in FIGURE_BY_KEY or k not in q.FIGURE_COLUMNS]
    if unknown or not keys:
        raise StoreError("--figure: unknown figure %r (allowed: %s)"
                         % (",".join(unknown) or text, ", ".join(q.FIGURE_COLUMNS)), BAD_INPUT)
    return [FIGURE_BY_KEY[k] for k in dict.fromkeys(keys)]


def _epoch(text):
    d = history.run_date({"date": text}) if text else None
    return int(d.timestamp()) if d else None


def machine_runs(store, machine=None, last=None):
    """[(machine dict, [run dicts oldest first])] of the machines with result
    runs (or the one named), each run with .t (epoch seconds of its date,
    else of when it was added). Per machine, the runs of one measurement
    configuration: its latest run's (as history.py --store: a level change
    between two configurations is not a change of the primitive); the
    machine dict's `other_config_runs` counts those left out."""
    wanted = q.machine_id(store, machine) if machine is not None else None
    out = []
    for m in q.machines(store):
        if wanted is not None and m["id"] != wanted:
            continue
        rows = store.query("SELECT id, date, added_at, git_revision, label, config_key "
                           "FROM runs WHERE kind = 'result' AND machine_id = ? "
                           "ORDER BY date, id", (m["id"],))
        # NULL dates sort first in SQLite, last in PostgreSQL: first, both.
        rows = [r for r in rows if r[1] is None] + [r for r in rows if r[1] is not None]
        kept = [r for r in rows if rows and r[5] == rows[-1][5]]
        m = dict(m, other_config_runs=len(rows) - len(kept))
        rows = kept
        if last:
            rows = rows[-last:]
        if rows:
            out.append((m, [{"id": r[0], "date": r[1], "t": _epoch(r[1]) or _epoch(r[2]) or 0,
                             "rev": r[3] or "", "label": r[4] or ""} for r in rows]))
    return out


def load_series(store, runs, figures):
    """{case name: {scenario, primitive, params, threads, values: {figure key:
    [per run position: [ok values] or None]}}} for the runs of one machine
    (None where the case was not run or not ok)."""
    pos = {r["id"]: i for i, r in enumerate(runs)}
    cols = ", ".join("s." + f.key for f in figures)
    series, case_at = {}, {}
    ids = [r["id"] for r in runs]
    for i in range(0, len(ids), CHUNK):
        chunk = tuple(ids[i:i + CHUNK])
        marks = ", ".join("?" * len(chunk))
        for cid, run_id, name, scen, prim, params, threads, status in store.query(
                "SELECT c.id, c.run_id, c.name, c.scenario, c.primitive, c.params, c.threads, "
                "c.status FROM cases c WHERE c.run_id IN (%s)" % marks, chunk):
            s = series.get(name)
            if s is None:
                s = series[name] = {"scenario": scen or "?", "primitive": prim or "?",
                                    "params": params, "threads": threads,
                                    "values": {f.key: [None] * len(runs) for f in figures}}
            if status == "ok":
                case_at[cid] = (s, pos[run_id])
        for row in store.query("SELECT s.case_id, %s FROM samples s WHERE s.run_id IN (%s) "
                               "AND s.status = 'ok'" % (cols, marks), chunk):
            hit = case_at.get(row[0])
            if hit is None:
                continue
            s, p = hit
            for f, v in zip(figures, row[1:]):
                if v is not None:
                    cell = s["values"][f.key]
                    if cell[p] is None:
                        cell[p] = [v]
                    else:
                        cell[p].append(v)
    return series


def param_text(params, threads):
    """A parameter set as the page names it: 'cs_ns=100 relax=pause threads=2'."""
    try:
        d = json.loads(params) if params else {}
    except ValueError:
        d = {}
    parts = ["%s=%s" % (k, d[k]) for k in sorted(d)] if isinstance(d, dict) else [str(params)]
    if threads is not None:
        parts.append("threads=%s" % threads)
    return " ".join(parts) or "(none)"


def build(store, machine=None, figures=None, last=None):
    """The dashboard's model: {machines: [{id, name, runs}], series: [...],
    tested, changes}. Each series: machine (index), case, scenario,
    primitive, params, figure key, med/lo/hi per run of its machine (None
    where missing), changes [{run, before, after, shift, p, direction}],
    verdict {code, latest, base, rel, since, run}."""
    figures = figures or figures_of("throughput")
    with store.read():
        groups = machine_runs(store, machine, last)
        if not groups:
            raise StoreError("%s holds no result run%s" % (
                store.shown, " of machine %s" % machine if machine is not None else ""),
                BAD_INPUT)
        loaded = [(m, runs, load_series(store, runs, figures)) for m, runs in groups]
    model = {"machines": [], "series": [], "alpha": ALPHA, "min_shift": MIN_SHIFT,
             "min_segment": MIN_SEGMENT, "permutations": history.FIRST_PERMUTATIONS}
    analysed = {}
    for mi, (m, runs, cases) in enumerate(loaded):
        model["machines"].append({"id": m["id"], "name": m["description"], "runs": runs,
                                  "other_config_runs": m["other_config_runs"]})
        for name, c in cases.items():
            ptext = param_text(c["params"], c["threads"])
            for f in figures:
                cells = c["values"][f.key]
                if not any(cells):
                    continue
                med = [statistics.median(v) if v else None for v in cells]
                s = {"machine": mi, "case": name, "scenario": c["scenario"],
                     "primitive": c["primitive"], "params": ptext, "figure": f.key,
                     "higher_is_better": f.higher_is_better, "med": med,
                     "lo": [min(v) if v else None for v in cells],
                     "hi": [max(v) if v else None for v in cells],
                     "points": [{"run": i, "median": med[i], "samples": v}
                                for i, v in enumerate(cells) if v],
                     "changes": []}
                analysed[(mi, name, f.key)] = s
                model["series"].append(s)
    args = types.SimpleNamespace(alpha=ALPHA, min_shift=MIN_SHIFT, min_segment=MIN_SEGMENT,
                                 seed=SEED)
    model["tested"] = history.analyse(analysed, args)
    model["changes"] = 0
    for s in model["series"]:
        s["changes"] = [{"run": c["run"], "before": c["before"], "after": c["after"],
                         "shift": c["shift"], "p": c["p"], "direction": c["direction"]}
                        for c in s["changes"]]
        model["changes"] += len(s["changes"])
        s["verdict"] = verdict(s)
        del s["points"]
    return model


def verdict(s):
    """The latest run's median against the level before it: the level of the
    segment before the last change point when there is one (the verdict is
    that change's direction), else the median of the earlier runs (same)."""
    pts = [(i, v) for i, v in enumerate(s["med"]) if v is not None]
    last_run, latest = pts[-1]
    if s["changes"]:
        c = s["changes"][-1]
        base, code, since = c["before"], WORSE if c["direction"] == "worse" else BETTER, c["run"]
    else:
        earlier = [v for _, v in pts[:-1]]
        base, code, since = (statistics.median(earlier) if earlier else None), SAME, None
    rel = latest / base - 1 if base else None
    return {"code": code, "latest": latest, "base": base, "rel": rel, "since": since,
            "run": last_run}
