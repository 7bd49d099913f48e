"""threads.pool: what a pool costs per task, and how it starts, idles and stops.

One figure per combination of spawn, submitters and inflight, four panels:
  - tasks/s: vs workers (one task size), or vs task size at the most workers
    (several task sizes); the dotted grey line is the capacity the task body
    allows, min(workers, CPUs) / task_ns, so the gap to it is pool overhead.
  - hand-off latency p50/p90/p99/p99.9 per pool at the most workers that fit
    the CPUs (and the smallest task size), log scale: submit->complete of lone
    tasks sent into the idle pool one after another (the window's own
    latencies are queueing behind `inflight` tasks, Little's law, and stay in
    the JSON).
  - shutdown of an idle, drained pool (wake and join every worker) vs workers.
  - CPU the pool's threads burn while idle, as a share of the workers' time:
    what spinning idle workers cost everyone else.
Colours are fixed per pool; cases whose status is not ok are red, named.
Workers beyond the CPU count are shaded as oversubscribed (the submitters are
extra threads on top).
"""
from .. import contend_result as cr
from ..plot_style import (BAD_COLOR, BAND_LABEL, Line2D, fmt_ns, items_per_s, minmax_median, plt,
                        reps, ticker)

from . import common

PCT = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9"))
LATENCY = "handoff"


def draw(writer, scenario, rows, lost):
    return common.draw_figures(
        writer, scenario, common.parameter_sets(rows, lost, ("threads", "task_ns")), figure)


def task_ns(row):
    return (row.get("params") or {}).get("task_ns")


def figure(writer, scenario, params, srows, slost, base):
    sizes = sorted({task_ns(r) for r in srows + slost if task_ns(r) is not None})
    # The point the latency (and task-size) panels show: the most workers
    # that still fit the CPUs, so the submitter is not fighting them for one.
    counts = sorted({cr.threads_of(r) for r in srows})
    fit = [t for t in counts if writer.num_cpus and t <= writer.num_cpus]
    tmax = fit[-1] if fit else counts[0]
    size0 = sizes[0]
    at_size = [r for r in srows if task_ns(r) == size0]
    lost_size = [c for c in slost if task_ns(c) == size0]

    fig, axes = plt.subplots(2, 2, figsize=(14.5, 9.0), layout="constrained")
    (ax_tp, ax_lat), (ax_shut, ax_idle) = axes
    notes, any_bad, shaded = [], False, False

    if len(sizes) > 1:
        prims, bad, n = size_panel(writer, ax_tp, srows, slost, sizes, tmax)
        notes += n
        ax_tp.set_title("tasks/s vs task size, %d workers" % tmax, fontsize=10)
    else:
        prims, bad, sh, n = writer.line_panel(ax_tp, at_size, lost_size, items_per_s,
                                              "tasks completed/s")
        capacity_line(ax_tp, at_size, lambda r: cr.threads_of(r))
        common.log_axis(ax_tp, [items_per_s(r) for r in at_size]
                        + [cr.metric(r, "capacity_tasks_per_s") for r in at_size])
        ax_tp.set_ylabel("tasks completed/s (log scale)")
        ax_tp.set_title("tasks/s vs workers, task_ns=%s" % size0, fontsize=10)
        shaded |= sh
        notes += n
    any_bad |= bad

    any_bad |= latency_panel(writer, ax_lat, [r for r in at_size if cr.threads_of(r) == tmax],
                             [c for c in lost_size if cr.threads_of(c) == tmax], prims)
    ax_lat.set_title("hand-off: lone tasks into the idle pool, %d workers, task_ns=%s"
                     % (tmax, size0), fontsize=10)

    _, bad, sh, n = writer.line_panel(ax_shut, at_size, lost_size,
                                      lambda r: ns_metric(r, "shutdown_ns"),
                                      "shutdown: wake + join all workers", eng=False)
    # Log: one preempted join can take milliseconds and flatten the rest.
    common.log_axis(ax_shut, [cr.metric(r, "shutdown_ns") for r in at_size])
    ax_shut.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    ax_shut.set_ylabel("shutdown: wake + join all workers (log scale)")
    ax_shut.set_title("shutdown of an idle, drained pool", fontsize=10)
    any_bad |= bad
    shaded |= sh
    _, bad, sh, n2 = writer.line_panel(ax_idle, at_size, lost_size,
                                       lambda r: cr.metric(r, "idle_cpu_fraction"),
                                       "CPU burnt while idle (share of workers' time)",
                                       eng=False)
    top = max([cr.metric(r, "idle_cpu_fraction") or 0 for r in at_size] + [0.02])
    ax_idle.set_yscale("linear")
    ax_idle.set_ylim(0, min(1.05, top * 1.25))
    ax_idle.yaxis.set_major_formatter(ticker.PercentFormatter(1.0, decimals=0 if top > 0.1
                                                              else 1))
    ax_idle.set_title("idle workers: spinning costs CPU, parking does not", fontsize=10)
    any_bad |= bad
    shaded |= sh
    notes += n + n2

    extras = [Line2D([], [], color="0.25", ls="--", lw=1.1,
                     label="task body alone (the floor of a hand-off)")]
    if any(cr.metric(r, "capacity_tasks_per_s") for r in srows):
        extras.append(Line2D([], [], color="0.45", ls=":", lw=1.4,
                             label="capacity: min(workers, CPUs) / task_ns"))
    extras += writer.extras(any_bad, shaded, notes)
    handles = [Line2D([], [], color=writer.style.color[p], marker=writer.style.marker[p],
                      label=p) for p in prims]
    handles.append(Line2D([], [], color="0.35", lw=1.8, label=BAND_LABEL))
    ax_lat.legend(handles=handles + extras, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    fig.suptitle(writer.title(scenario, "worker pools running tiny tasks", params,
                              "median of %d repetitions" % reps(srows)),
                 x=0.01, ha="left", fontsize=10.5)
    writer.save(fig, base, "pool")


def ns_metric(row, name):
    return cr.metric(row, name)


def capacity_line(ax, rows, x_of):
    """Dotted grey: the throughput the task body alone allows."""
    pts = {}
    for r in rows:
        v = cr.metric(r, "capacity_tasks_per_s")
        if v:
            pts.setdefault(x_of(r), []).append(v)
    if pts:
        xs = sorted(pts)
        ax.plot(xs, [cr.median(pts[x]) for x in xs], ls=":", color="0.45", lw=1.4, zorder=1)


def size_panel(writer, ax, srows, slost, sizes, tmax):
    """tasks/s vs task size (categorical x) at tmax workers. Returns the
    pools drawn, whether a not-ok case was marked, and legend notes for the
    not-ok cases that have no value."""
    rows = [r for r in srows if cr.threads_of(r) == tmax]
    prims = cr.primitives(rows)
    xs = list(range(len(sizes)))
    bad = False
    for p in prims:
        ys, lo, hi = [], [], []
        for s in sizes:
            at = [r for r in rows if r.get("primitive") == p and task_ns(r) == s]
            m, mn, mx = minmax_median([items_per_s(r) for r in at if cr.is_ok(r)])
            ys.append(float("nan") if m is None else m)
            lo.append(float("nan") if mn is None else mn)
            hi.append(float("nan") if mx is None else mx)
            not_ok = [r for r in at if not cr.is_ok(r)]
            if not_ok:  # one cross per sample, one name per case
                bad = True
                x = sizes.index(s)
                vals = [max(items_per_s(r) or 0, 1) for r in not_ok]
                ax.plot([x] * len(vals), vals, marker="x", color=BAD_COLOR, ls="none", ms=9,
                        mew=2.2, zorder=5)
                ax.annotate("%s: %s" % (p, cr.not_ok_text(not_ok, [])), (x, max(vals)),
                            xytext=(7, 4), textcoords="offset points", fontsize=7.5,
                            color=BAD_COLOR, zorder=6)
        c = writer.style.color[p]
        ax.plot(xs, ys, color=c, marker=writer.style.marker[p], lw=1.8, ms=5, zorder=3)
        ax.fill_between(xs, lo, hi, color=c, alpha=0.18, lw=0, zorder=2)
    notes = []
    for c in slost:
        if cr.threads_of(c) == tmax and task_ns(c) in sizes:
            bad = True
            ax.plot([sizes.index(task_ns(c))], [0.03], transform=ax.get_xaxis_transform(),
                    marker="x", color=BAD_COLOR, ms=9, mew=2.2, clip_on=False)
            notes.append("%s: %s, no sample at task_ns=%s" % (c.get("primitive"),
                                                              c.get("status"), task_ns(c)))
    capacity_line(ax, rows, lambda r: sizes.index(task_ns(r)))
    ax.set_xticks(xs)
    ax.set_xticklabels([fmt_ns(s) if s else "0" for s in sizes])
    ax.set_xlabel("task body (busy work per task)")
    common.log_axis(ax, [items_per_s(r) for r in rows]
                    + [cr.metric(r, "capacity_tasks_per_s") for r in rows])
    ax.set_ylabel("tasks completed/s (log scale)")
    ax.grid(True, which="major", alpha=0.3, lw=0.6)
    return prims, bad, notes


def latency_panel(writer, ax, rows, lost, prims):
    """Grouped bars: one group per percentile, one bar per pool; whiskers are
    the repetitions' min to max; not-ok samples hatched red, lost cases an x."""
    width = 0.8 / max(1, len(prims))
    any_bad = bool(lost)
    ymin = None
    for i, p in enumerate(prims):
        prow = [r for r in rows if r.get("primitive") == p
                and isinstance((r.get("latency") or {}).get(LATENCY), dict)]
        ok = [r for r in prow if cr.is_ok(r)]
        use = ok or prow
        if prow and not ok:
            any_bad = True
        for j, (pk, _) in enumerate(PCT):
            x = j - 0.4 + width * (i + 0.5)
            m, mn, mx = minmax_median([common.latency(r, LATENCY, pk) for r in use])
            if m is None or m <= 0:
                if any(c.get("primitive") == p for c in lost):
                    ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                            color=BAD_COLOR, ms=7, mew=2, clip_on=False)
                continue
            ymin = m if ymin is None else min(ymin, m)
            if ok:
                ax.bar(x, m, width * 0.92, color=writer.style.color[p], zorder=3)
            else:
                ax.bar(x, m, width * 0.92, color=writer.style.color[p], alpha=0.35, hatch="//",
                       edgecolor=BAD_COLOR, zorder=3)
            if len(use) > 1 and mx > mn:
                ax.errorbar([x], [m], yerr=[[m - mn], [mx - m]], fmt="none", ecolor="0.15",
                            elinewidth=0.9, capsize=2, zorder=4)
    ax.set_yscale("log")
    # The task body itself: no hand-off can complete faster.
    body = cr.median(((r.get("delays") or {}).get("task_ns") or {}).get("achieved") for r in rows)
    if body and body > 0:
        ax.axhline(body, color="0.25", ls="--", lw=1.1, zorder=5)
        ymin = body if ymin is None else min(ymin, body)
    if ymin is not None:
        ax.set_ylim(bottom=ymin / 3)
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    ax.set_xticks(range(len(PCT)))
    ax.set_xticklabels([lab for _, lab in PCT])
    ax.set_xlim(-0.55, len(PCT) - 0.45)
    ax.set_xlabel("percentile")
    ax.set_ylabel("submit \u2192 complete, one task in flight (log scale)")
    ax.grid(True, axis="y", which="major", alpha=0.3, lw=0.6)
    return any_bad
