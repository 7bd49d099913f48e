"""Figure plugin for any rows with a thread count: the one every scenario falls back to.

Per combination of the parameters other than `threads`: __throughput
(operations/s vs threads, median and min-max band), __fairness (Jain's
index vs threads) when the rows have one, __latency (p50..p99.9 wait at the
highest thread count) when they have latencies, __share (per-thread share of
the operations in the least fair case) when they have per-thread counts, and
__rw_throughput (read and write operations/s) for reader-writer rows. Ledger
cases without a thread count (a queue's) are not its kind.
"""
import math

from .. import contend_result as cr
from . import common
from ..plot_style import (BAD_COLOR, NAN, Line2D, Patch, items_per_s, minmax_median, plt,
                          ticker)

# context.timer.below_resolution_factor: percentiles under this many times
# the timer's resolution are marked.
RESOLUTION_FACTOR = 10
PERCENTILES = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9"))


throughput = items_per_s  # operations/s of a lock row


def draw(w, scenario, rows, lost):
    lost = [c for c in lost if isinstance(cr.threads_of(c), int)]
    for params, srows, slost in common.parameter_sets(rows, lost):
        if not srows:
            continue
        base = common.figure_base(scenario, params)
        throughput_figure(w, scenario, params, srows, slost, base)
        if any(cr.metric(r, "jain_index") is not None for r in srows):
            fairness_figure(w, scenario, params, srows, slost, base)
        if cr.latency_keys(srows):
            latency_figure(w, scenario, params, srows, slost, base)
        if any(r.get("per_thread") for r in srows):
            share_figure(w, scenario, params, srows, base)
        if cr.is_rw(srows):
            rw_figure(w, scenario, params, srows, slost, base)
    return True


def throughput_figure(w, scenario, params, srows, slost, base):
    fig, ax = plt.subplots(figsize=(9.6, 4.8), layout="constrained")
    prims, bad, shaded, notes = w.line_panel(
        ax, srows, slost, throughput, "throughput (operations/s)")
    n_reps = max((r.get("repetitions") or 1) for r in srows)
    ax.set_title(w.title(scenario, "throughput vs threads", params,
                            "median of %d repetitions" % n_reps), loc="left")
    w.legend(ax, prims, w.extras(bad, shaded, notes))
    w.save(fig, base, "throughput")


def fairness_figure(w, scenario, params, srows, slost, base):
    fig, ax = plt.subplots(figsize=(9.6, 4.8), layout="constrained")
    prims, bad, shaded, notes = w.line_panel(
        ax, srows, slost, lambda r: cr.metric(r, "jain_index"),
        "Jain fairness index (1 = fair)", ylim=(0, 1.05), eng=False)
    lo, hi = ax.get_xlim()
    xs = [lo * (hi / lo) ** (i / 100) for i in range(101)] if ax.get_xscale() == "log" \
        else [lo + (hi - lo) * i / 100 for i in range(101)]
    ax.plot(xs, [min(1.0, 1 / x) if x > 0 else 1.0 for x in xs], ls=":", color="0.35",
            lw=1.2, zorder=1)
    ax.set_xlim(lo, hi)
    floor = Line2D([], [], ls=":", color="0.35", lw=1.2,
                   label="1/n: one thread does all the work")
    ax.set_title(w.title(scenario, "fairness vs threads", params,
                            "Jain index of per-thread operations, median"), loc="left")
    w.legend(ax, prims, [floor] + w.extras(bad, shaded, notes))
    w.save(fig, base, "fairness")


def latency_figure(w, scenario, params, srows, slost, base):
    keys = cr.wait_latency_keys(srows)
    tmax = max(cr.threads_of(r) for r in srows)
    at = [r for r in srows if cr.threads_of(r) == tmax]
    prims = cr.primitives(srows)
    lost_here = [c for c in slost if cr.threads_of(c) == tmax]
    fig, axes = plt.subplots(1, len(keys), figsize=(4.6 + 4.2 * len(keys), 4.8),
                             squeeze=False, layout="constrained")
    any_bad = bool(lost_here)
    sample_every, below_res = set(), set()
    for ax, key in zip(axes[0], keys):
        width = 0.8 / max(1, len(prims))
        ymin = None
        unit = "ns"
        for i, p in enumerate(prims):
            prow = [r for r in at if r.get("primitive") == p
                    and isinstance((r.get("latency") or {}).get(key), dict)]
            ok = [r for r in prow if cr.is_ok(r)]
            use = ok or prow  # not-ok samples are drawn hatched, never hidden
            lost_p = any(c.get("primitive") == p for c in lost_here)
            if prow and not ok:
                any_bad = True
            for r in prow:
                lat = r["latency"][key]
                unit = lat.get("unit") or unit
                if isinstance(lat.get("sample_every"), int) and lat["sample_every"] > 1:
                    sample_every.add(lat["sample_every"])
            for j, (pk, _) in enumerate(PERCENTILES):
                x = j - 0.4 + width * (i + 0.5)
                vals = [cr.finite(r["latency"][key].get(pk)) for r in use]
                m, mn, mx = minmax_median(vals)
                if m is None or m <= 0:
                    if not use and not lost_p:
                        continue  # not run at this thread count
                    ax.plot([x], [0.03], transform=ax.get_xaxis_transform(),
                            marker="x", color=BAD_COLOR, ms=7, mew=2, clip_on=False)
                    continue
                ymin = m if ymin is None else min(ymin, m)
                if ok:
                    ax.bar(x, m, width * 0.92, color=w.style.color[p], zorder=3)
                else:
                    ax.bar(x, m, width * 0.92, color=w.style.color[p], alpha=0.35,
                           hatch="//", edgecolor=BAD_COLOR, zorder=3)
                    ax.plot([x], [m], marker="x", color=BAD_COLOR, ms=7, mew=2, zorder=5)
                if len(use) > 1 and mx > mn:
                    ax.errorbar([x], [m], yerr=[[m - mn], [mx - m]], fmt="none",
                                ecolor="0.15", elinewidth=0.9, capsize=2, zorder=4)
        ax.set_yscale("log")
        if ymin is not None:
            ax.set_ylim(bottom=ymin / 3)
        # Under 10x the timer's resolution the counter cannot tell the
        # latencies apart: shade that band (the JSON lists such
        # percentiles in below_resolution).
        res = [cr.finite(r["latency"][key].get("resolution_ns")) for r in at
               if isinstance((r.get("latency") or {}).get(key), dict)]
        res = max((v for v in res if v), default=None)
        if res:
            ax.axhspan(ax.get_ylim()[0], RESOLUTION_FACTOR * res, color="0.88", zorder=1)
            below_res.add(res)
        ax.set_xticks(range(len(PERCENTILES)))
        ax.set_xticklabels([lab for _, lab in PERCENTILES])
        ax.set_xlim(-0.55, len(PERCENTILES) - 0.45)
        ax.set_xlabel("percentile")
        ax.set_ylabel("%s (%s, log scale)" % (key.replace("_", " "), unit))
        ax.grid(True, axis="y", which="major", alpha=0.3, lw=0.6)
        if len(keys) > 1:
            ax.set_title(key.replace("_", " "), fontsize=10)
    extra = "%d threads" % tmax
    if w.num_cpus and tmax > w.num_cpus:
        extra += ", oversubscribed: %d CPUs" % w.num_cpus
    if sample_every:
        extra += ", sampled 1 in %s" % "/".join(str(s) for s in sorted(sample_every))
    fig.suptitle(w.title(scenario, "wait-time percentiles", params, extra),
                 x=0.01, ha="left", fontsize=10.5)
    handles = [Patch(facecolor=w.style.color[p], label=p) for p in prims]
    handles.append(Line2D([], [], color="0.15", marker="|", ls="none", ms=10,
                          label="whisker: min to max of repetitions"))
    if below_res:
        handles.append(Patch(facecolor="0.88", label="below %.0fx the timer's resolution "
                             "(%.0f ns): not resolved" % (RESOLUTION_FACTOR, max(below_res))))
    if any_bad:
        handles.append(w.bad_handle("status not ok (hatched bar, or x: no sample)"))
    for c in lost_here:
        handles.append(Line2D([], [], color=BAD_COLOR, marker="x", ls="none", markersize=6,
                              mew=1.5, label="%s: %s, no sample at %d threads"
                              % (c.get("primitive"), c.get("status"), tmax)))
    axes[0][-1].legend(handles=handles, frameon=False, loc="upper left",
                       bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    w.save(fig, base, "latency")


def share_figure(w, scenario, params, srows, base):
    candidates = [r for r in srows if cr.is_ok(r) and r.get("per_thread")
                  and cr.metric(r, "jain_index") is not None]
    note = ""
    if not candidates:  # nothing trustworthy: show the least fair sample anyway
        candidates = [r for r in srows if r.get("per_thread")]
        note = ", status not ok"
    tmax = max(cr.threads_of(r) for r in candidates)
    at = [r for r in candidates if cr.threads_of(r) == tmax]
    by_prim = cr.group_by(at, lambda r: r.get("primitive"))

    def med_jain(rows):
        m = cr.median(cr.metric(r, "jain_index") for r in rows)
        return 2.0 if m is None else m
    prim = min(sorted(by_prim), key=lambda p: med_jain(by_prim[p]))
    rows = by_prim[prim]
    jm = med_jain(rows)
    # The repetition whose Jain index is the primitive's median.
    row = min(rows, key=lambda r: (abs((cr.metric(r, "jain_index") or 2.0) - jm),
                                   r.get("repetition_index") or 0))
    pt = sorted((t for t in row["per_thread"] if isinstance(t, dict)),
                key=lambda t: t.get("thread", 0))
    ops = [cr.finite(t.get("ops")) or 0.0 for t in pt]
    total = sum(ops)
    n = len(pt)
    fig, ax = plt.subplots(figsize=(max(9.6, min(14, 6.0 + 0.2 * n)), 4.8),
                           layout="constrained")
    xs = list(range(n))
    color = w.style.color[prim]
    handles = []
    split = all(cr.finite(t.get("reads")) is not None and cr.finite(t.get("writes"))
                is not None for t in pt)
    if total > 0 and split:
        reads = [cr.finite(t["reads"]) / total for t in pt]
        writes = [cr.finite(t["writes"]) / total for t in pt]
        ax.bar(xs, reads, 0.75, color=color, zorder=3)
        ax.bar(xs, writes, 0.75, bottom=reads, color=color, alpha=0.45, hatch="//",
               edgecolor="white", zorder=3)
        handles += [Patch(facecolor=color, label="reads"),
                    Patch(facecolor=color, alpha=0.45, hatch="//", edgecolor="white",
                          label="writes")]
    else:
        ax.bar(xs, [o / total if total else 0 for o in ops], 0.75, color=color, zorder=3,
               label="%s: share of ops" % prim)
        handles.append(Patch(facecolor=color, label="share of operations"))
    fair = 1.0 / n if n else 0
    starved = [x for x, o in zip(xs, ops) if total and o / total < 0.1 * fair]
    # A starved thread's bar is too short to see: say so where it would be.
    for x in (starved if n <= 16 else []):
        ax.annotate("starved" if ops[x] else "0 ops", (x, 0), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom",
                    rotation=90, fontsize=7.5, color="0.25", zorder=5)
    ax.axhline(fair, color="0.1", ls="--", lw=1.2, zorder=4)
    ax.axhline(0.1 * fair, color="0.45", ls=":", lw=1.0, zorder=4)
    handles += [Line2D([], [], color="0.1", ls="--", lw=1.2,
                       label="fair share 1/n = %.3g" % fair),
                Line2D([], [], color="0.45", ls=":", lw=1.0,
                       label="starved: below 10 %% of fair share\n(%d of %d threads)"
                       % (len(starved), n))]
    step = max(1, math.ceil(n / 32))  # at most 32 tick labels
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([str(t.get("thread", i)) for i, t in enumerate(pt)][::step])
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xlabel("thread")
    ax.set_ylabel("share of the case's operations")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0, decimals=0))
    ax.grid(True, axis="y", alpha=0.3, lw=0.6)
    over = ", oversubscribed" if w.num_cpus and tmax > w.num_cpus else ""
    extra = "%s: the lowest Jain index (%.3f) at the highest thread count (%d threads%s);\n" \
            "repetition %s, the one with the primitive's median Jain index%s" % (
                prim, cr.metric(row, "jain_index") or NAN, tmax, over,
                row.get("repetition_index", "?"), note)
    ax.set_title(w.title(scenario, "per-thread share of operations", params) +
                 "\n" + extra, loc="left")
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              borderaxespad=0.0)
    w.save(fig, base, "share")


def rw_figure(w, scenario, params, srows, slost, base):
    fig, axes = plt.subplots(1, 2, figsize=(13.5, 4.8), layout="constrained")
    out = []
    for ax, key, what in ((axes[0], "read_ops_per_s", "reads"),
                          (axes[1], "write_ops_per_s", "writes")):
        out.append(w.line_panel(ax, srows, slost, lambda r, k=key: cr.metric(r, k),
                                   "%s (operations/s)" % what))
        ax.set_title(what, fontsize=10)
    prims = out[0][0]
    bad = any(o[1] for o in out)
    shaded = any(o[2] for o in out)
    notes = out[0][3] + out[1][3]
    fig.suptitle(w.title(scenario, "read and write throughput vs threads", params,
                            "median of repetitions"), x=0.01, ha="left", fontsize=10.5)
    w.legend(axes[1], prims, w.extras(bad, shaded, notes))
    w.save(fig, base, "rw_throughput")
