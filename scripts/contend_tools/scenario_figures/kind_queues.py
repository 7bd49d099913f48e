"""Figure plugin for queue rows: producers x consumers, or a cache-line floor.

A kind plugin (see __init__.py): it draws any scenario whose rows are its
kind, whatever the scenario's name. Per combination of parameters other than producers and consumers, a scenario
whose rows all have both (queues.throughput) gets __heatmap (items/s over
producers x consumers, one small heatmap per queue), __throughput (items/s vs
producers + consumers, one panel per queue; only with more than one total) and
__latency (enqueue->dequeue percentiles at the 1x1 shape, or the smallest); a
scenario that measures the cache-line floor (queues.pingpong) gets __round_trip
(round trip per queue beside the floor). Other rows are not its kind.
"""
import math

import matplotlib.colors as mcolors
from matplotlib.patches import Rectangle

from .. import contend_result as cr
from . import common
from ..plot_style import (BAD_COLOR, BAND_ALPHA, Line2D, Patch, fmt_ns, items_per_s,
                          minmax_median, plt, reps, ticker)

SHAPE = ("producers", "consumers")
FLOOR_KEY = "cache_line_round_trip"
MISSING_HATCH = dict(facecolor="white", edgecolor="0.72", hatch="////", lw=0)
ONE = "#2a5d9f"  # each panel or bar names its queue: one colour reads best
LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8)
PCT = (("p50", "p50", "o", "#08306b"), ("p90", "p90", "^", "#2171b5"),
       ("p99", "p99", "s", "#6baed6"), ("p999", "p99.9", "D", "#f16913"))


def total_of(row):
    s = cr.shape_of(row)
    return s[0] + s[1] if s else cr.threads_of(row)


def mega(v):
    v /= 1e6
    return "%.0f" % v if v >= 99.95 else "%.3g" % v


def grid(n):
    cols = min(n, max(3, round(math.sqrt(n * 1.3))))
    return cols, math.ceil(n / cols)


def queue_axis(ax, entries, top):
    """One row per queue, top to bottom, the not-ok ones' names in red."""
    ax.set_yticks(range(len(entries)), [p for p, _, _ in entries])
    for lab, (_, _, bad) in zip(ax.get_yticklabels(), entries):
        if bad:
            lab.set_color(BAD_COLOR)
    ax.set_ylim(len(entries) - 0.5, top)


def draw(w, scenario, rows, lost):
    if all(cr.shape_of(r) for r in rows + lost):
        fixed, figures = ("threads",) + SHAPE, shape_figures
    elif any(FLOOR_KEY in (r.get("latency") or {}) for r in rows):
        fixed, figures = ("threads",), pingpong_figure
    else:
        return False
    common.draw_figures(w, scenario, common.parameter_sets(rows, lost, fixed), figures)
    return True


def shape_figures(w, scenario, params, srows, slost, base):
    order = heatmap_figure(w, scenario, params, srows, slost, base)
    if len({total_of(r) for r in srows + slost}) > 1:
        threads_figure(w, scenario, params, srows, slost, base, order)
    if cr.latency_keys(srows):
        queue_latency_figure(w, scenario, params, srows, slost, base)


def panels(w, n, cell_w, cell_h, **kw):
    """A grid of n panels; returns the figure, the panels and the unused ones."""
    cols, nrows = grid(n)
    fig, axes = plt.subplots(nrows, cols, squeeze=False, layout="constrained", figsize=(
        max(7.0, cols * cell_w), nrows * cell_h + 1.0), **kw)
    flat = [a for row in axes for a in row]
    for ax in flat[n:]:
        ax.set_axis_off()
    return fig, flat[:n], flat[n:]


def oversub_note(w, threads):
    if w.num_cpus and threads > w.num_cpus:
        return " (oversubscribed: %d threads on %d CPU%s)" % (
            threads, w.num_cpus, "s"[:w.num_cpus > 1])
    return ""


def notes_legend(fig, spare, handles, labels=None):
    """The legend in the first unused panel, or else below the figure."""
    kw = dict(handles=handles, frameon=False, fontsize=8.5)
    if labels:
        kw["labels"] = labels
    if spare:
        spare[0].legend(loc="center", **kw)
    else:
        fig.legend(loc="upper center", ncol=len(handles), bbox_to_anchor=(0.5, 0.0), **kw)


def heatmap_figure(w, scenario, params, srows, slost, base):
    shapes = {cr.shape_of(r) for r in srows + slost}
    ps, cs = sorted({s[0] for s in shapes}), sorted({s[1] for s in shapes})
    prims = cr.primitives(srows + slost)
    cell = {}  # (primitive, shape) -> (median of ok samples, not-ok text)
    for p in prims:
        for s in shapes:
            at = [r for r in srows if r.get("primitive") == p and cr.shape_of(r) == s]
            gone = [c for c in slost if c.get("primitive") == p and cr.shape_of(c) == s]
            if at or gone:
                m = cr.median(items_per_s(r) for r in at if cr.is_ok(r))
                bad = cr.not_ok_text(at, gone)
                was = cr.median(items_per_s(r) for r in at if not cr.is_ok(r))
                if bad and was and not m:  # what the untrusted samples measured
                    bad += "\n(%s)" % mega(was)
                cell[p, s] = (m, bad)
    peak = {p: max([v for (q, _), (v, _) in cell.items() if q == p and v] or [0])
            for p in prims}
    order = sorted(prims, key=lambda p: (-peak[p], p))
    vals = [v for v, _ in cell.values() if v and v > 0]
    norm = mcolors.LogNorm(min(vals), max(vals)) if vals else mcolors.LogNorm(1, 10)
    if norm.vmin == norm.vmax:
        norm = mcolors.LogNorm(norm.vmin / 2, norm.vmax * 2)
    cmap = plt.get_cmap("viridis")
    cw = max(1.9, 0.62 * len(cs) + 0.6)
    fig, axes, spare = panels(w, len(order), cw, max(1.75, 0.5 * len(ps) + 0.75))
    fs = max(6.5, 10.0 - 0.6 * max(len(cs), len(ps)))
    any_missing = any_bad = any_blank = False
    for ax, p in zip(axes, order):
        ax.set_xlim(-0.5, len(cs) - 0.5)
        ax.set_ylim(len(ps) - 0.5, -0.5)  # 1 producer at the top, like a table
        for i, np_ in enumerate(ps):
            for j, nc in enumerate(cs):
                box = dict(xy=(j - 0.5, i - 0.5), width=1, height=1)
                if (np_, nc) not in shapes:  # no queue ran it: blank
                    any_blank = True
                    continue
                if (p, (np_, nc)) not in cell:
                    ax.add_patch(Rectangle(**box, **MISSING_HATCH))
                    any_missing = True
                    continue
                v, bad = cell[p, (np_, nc)]
                if v:
                    ax.add_patch(Rectangle(**box, facecolor=cmap(norm(v)), lw=0))
                    r, g, b = cmap(norm(v))[:3]
                    dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
                    ax.text(j, i, mega(v), ha="center", va="center", fontsize=fs,
                            color="white" if dark else "black")
                if bad:
                    any_bad = True
                    ax.add_patch(Rectangle(**box, facecolor="none", edgecolor=BAD_COLOR,
                                           hatch="x" if not v else "", lw=2))
                    ax.text(j, i + (0.3 if v else 0), bad.replace(", ", "\n"),
                            ha="center", va="center", color=BAD_COLOR, bbox=LABEL_BOX,
                            fontsize=max(7.0, fs - (2 if v else 0.5)))
        ax.set_xticks(range(len(cs)), [str(c) for c in cs], fontsize=8)
        ax.set_yticks(range(len(ps)), [str(q) for q in ps], fontsize=8)
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        ax.set_title(p, fontsize=9.5)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, ax=axes, shrink=0.6, aspect=30, pad=0.02)
    cb.set_label("items/s (log colour scale)")
    cb.ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    cb.ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    fig.supxlabel("consumers", fontsize=10)
    fig.supylabel("producers", fontsize=10)
    fig.suptitle(w.title(scenario, "items/s over producers x consumers", params,
                            "median of %d repetitions, in M items/s; queues by peak"
                            % reps(srows)), x=0.01, ha="left", fontsize=10.5)
    handles = []
    if any_missing:
        handles.append(Patch(**dict(MISSING_HATCH, lw=0.5),
                             label="not run: shape not supported\nby the queue"))
    if any_blank:
        handles.append(Patch(facecolor="white", edgecolor="0.6", lw=0.5,
                             label="blank: no queue ran the shape"))
    if any_bad:
        handles.append(Patch(facecolor="white", edgecolor=BAD_COLOR, hatch="x", lw=1.5,
                             label="status not ok: named, its\nvalue (M items/s) in "
                             "brackets;\nnot in the colour scale"))
    if handles:
        notes_legend(fig, spare, handles)
    w.save(fig, base, "heatmap")
    return order


def threads_figure(w, scenario, params, srows, slost, base, order):
    totals = sorted({total_of(r) for r in srows + slost})
    # primitive -> [medians], [mins], [maxs] over the totals, NaN where not run
    lines = {p: [[math.nan if v is None else v for v in col] for col in zip(*(
        minmax_median([items_per_s(r) for r in srows if r.get("primitive") == p
                       and total_of(r) == t and cr.is_ok(r)]) for t in totals))]
        for p in order}
    fig, axes, spare = panels(w, len(order), 2.6, 2.0, sharey=True)
    for ax, p in zip(axes, order):
        for q in order:
            if q != p:
                ax.plot(totals, lines[q][0], color="0.6", lw=0.7, alpha=0.5, zorder=1)
        med, lo, hi = lines[p]
        ax.fill_between(totals, lo, hi, color=ONE, alpha=BAND_ALPHA * 1.5, lw=0, zorder=2)
        ax.plot(totals, med, color=ONE, marker="o", lw=1.8, ms=4.5, zorder=3)
        if sum(1 for m in med if m == m) == 1:  # a single point: its band as a whisker
            i = [m == m for m in med].index(True)
            ax.errorbar(totals[i], med[i], yerr=[[med[i] - lo[i]], [hi[i] - med[i]]],
                        color=ONE, capsize=3, lw=1.2, zorder=3)
        bad = [r for r in srows if r.get("primitive") == p and not cr.is_ok(r)]
        gone = [x for x in slost if x.get("primitive") == p]
        for r in bad:
            if items_per_s(r):
                ax.plot([total_of(r)], [items_per_s(r)], marker="x", color=BAD_COLOR,
                        ms=8, mew=2, zorder=5)
        for x in gone + [r for r in bad if not items_per_s(r)]:
            ax.plot([total_of(x)], [0.04], marker="x", color=BAD_COLOR, ms=8, mew=2,
                    transform=ax.get_xaxis_transform(), clip_on=False, zorder=5)
        if bad or gone:
            ax.text(0.02, 0.97, "not ok: " + ", ".join(
                "%s at %d" % (x.get("status"), total_of(x)) for x in
                list({(x.get("status"), total_of(x)): x for x in bad + gone}.values())),
                transform=ax.transAxes, fontsize=7, color=BAD_COLOR, va="top")
        ax.set_title(p, fontsize=9.5)
        ax.grid(True, which="major", alpha=0.3, lw=0.6)
    axes[0].set_yscale("log")
    axes[0].yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    shaded = False
    for ax in axes:
        shaded = w.thread_axis(ax, totals)
        ax.set_xlabel("")
    fig.supxlabel("threads (producers + consumers)", fontsize=10)
    fig.supylabel("items/s (log scale)", fontsize=10)
    fig.suptitle(w.title(scenario, "items/s vs threads", params,
                            "median of every shape and repetition at that total; "
                            "queues by peak"), x=0.01, ha="left", fontsize=10.5)
    handles = [(Patch(facecolor=ONE, alpha=BAND_ALPHA * 1.5, edgecolor="none"),
                Line2D([], [], color=ONE, lw=1.8, marker="o", ms=4.5)),
               Line2D([], [], color="0.6", lw=0.7)]
    labels = ["median; band: min to max\n(shapes and repetitions)", "the other queues"]
    if shaded:
        handles.append(w.oversub_handle())
        labels.append("oversubscribed\n(threads > %d CPUs)" % w.num_cpus)
    if any(not cr.is_ok(r) for r in srows) or slost:
        handles.append(w.bad_handle())
        labels.append("status not ok (x: on the\nfloor when no value)")
    notes_legend(fig, spare, handles, labels)
    w.save(fig, base, "throughput")


def queue_latency_figure(w, scenario, params, srows, slost, base):
    key = cr.latency_keys(srows)[0]
    shape = min({cr.shape_of(r) for r in srows}, key=lambda s: (s != (1, 1), sum(s), s))
    at = [r for r in srows if cr.shape_of(r) == shape
          and isinstance((r.get("latency") or {}).get(key), dict)]
    gone = [c for c in slost if cr.shape_of(c) == shape]
    entries = cr.percentile_entries(at, gone, key, [pk for pk, _, _, _ in PCT])
    unit = next((r["latency"][key].get("unit") for r in at), None) or "ns"
    fig, ax = plt.subplots(figsize=(10.5, 1.4 + 0.27 * len(entries)), layout="constrained")
    xs = [v for _, med, _ in entries for v in med.values() if v and v > 0]
    lo_x = min(xs) / 2 if xs else 1
    for y, (p, med, bad) in enumerate(entries):
        have = [v for v in med.values() if v and v > 0]
        if have:
            ax.plot([min(have), max(have)], [y, y], color="0.7", lw=1.2, zorder=2)
        for pk, _, mk, col in PCT:
            if med[pk] and med[pk] > 0:
                ax.plot([med[pk]], [y], marker=mk, color=col, ms=6.5, ls="none",
                        zorder=3, mec="white" if pk == "p50" else col, mew=0.6)
        if not have:
            ax.plot([lo_x], [y], marker="x", color=BAD_COLOR, ms=8, mew=2, zorder=4,
                    clip_on=False)
        if bad:
            ax.annotate(bad, (max(have) if have else lo_x, y), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=7.5,
                        color=BAD_COLOR, bbox=LABEL_BOX)
    queue_axis(ax, entries, -0.6)
    ax.set_xscale("log")
    if xs:
        ax.set_xlim(lo_x, max(xs) * 2)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v))
                                 if unit == "ns" else ticker.EngFormatter(sep=" "))
    ax.set_xlabel("%s (log scale)" % key.replace(
        "enqueue_dequeue", "enqueue -> dequeue latency").replace(
        "sojourn", "sojourn time (queue depth / rate, Little's law)"))
    ax.grid(True, axis="x", which="major", alpha=0.3, lw=0.6)
    ax.grid(True, axis="x", which="minor", alpha=0.12, lw=0.4)
    missing = sorted(set(cr.primitives(srows + slost)) - {p for p, _, _ in entries})
    extra = "%d producer%s x %d consumer%s%s, median of %d repetitions; fastest p50 " \
        "first" % (shape[0], "s"[:shape[0] > 1], shape[1], "s"[:shape[1] > 1],
                   oversub_note(w, sum(shape)), reps(srows))
    ax.set_title(w.title(scenario, "enqueue -> dequeue latency percentiles", params,
                            extra), loc="left")
    handles = [Line2D([], [], marker=mk, color=col, ls="none", ms=6.5, label=lab)
               for _, lab, mk, col in PCT]
    if any(bad for _, _, bad in entries):
        handles.append(Line2D([], [], color=BAD_COLOR, ls="none", marker="x",
                              label="status not ok (named;\nnot-ok samples shown\n"
                              "when no ok one)"))
    if missing:
        handles.append(Line2D([], [], ls="none", label="not run at this shape:\n" +
                              "\n".join(missing)))
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0.0)
    w.save(fig, base, "latency")


def pingpong_figure(w, scenario, params, srows, slost, base):
    def trusted(rows):
        return [r for r in rows if cr.is_ok(r)] or rows
    floors = [cr.finite(((r.get("latency") or {}).get(FLOOR_KEY) or {}).get("p50"))
              for r in trusted(srows)]
    floor = cr.median(floors)
    floors = [f for f in floors if f]
    entries = cr.percentile_entries(srows, slost, "round_trip", ["p50", "p90", "p99"])
    fig, ax = plt.subplots(figsize=(10.5, 1.6 + 0.3 * len(entries)), layout="constrained")
    xs = [v for _, m, _ in entries for v in m.values() if v] + ([floor] if floor else [])
    log = bool(xs) and max(xs) / min(xs) > 15
    left = min(xs) / 1.6 if log else 0
    for y, (p, med, bad) in enumerate(entries):
        m = med["p50"]
        if m:
            style = dict(color=ONE, zorder=3)
            if bad:
                style.update(alpha=0.4, hatch="//", edgecolor=BAD_COLOR)
            ax.barh(y, m - left, 0.7, left=left, **style)
            own = cr.median(cr.metric(r, "rtt_over_floor") for r in trusted(
                [r for r in srows if r.get("primitive") == p]))
            for x, v, c in ((1.07, m / floor if floor else None, "black"), (1.145, own, "0.4")):
                ax.text(x, y, "%.1f\u00d7" % v if v else "?", va="center", ha="right",
                        color=c, transform=ax.get_yaxis_transform(), fontsize=8.5)
        else:
            ax.plot([left], [y], marker="x", color=BAD_COLOR, ms=8, mew=2, clip_on=False)
        for pk, mk in (("p90", "|"), ("p99", "d")):
            if med[pk]:
                ax.plot([med[pk]], [y], marker=mk, color="0.15", ms=6, mew=1.3,
                        ls="none", zorder=4)
        if m and med["p99"]:
            ax.plot([m, med["p99"]], [y, y], color="0.15", lw=0.8, zorder=4)
        if bad:
            ax.annotate(bad, (max(v for v in med.values() if v) if m else left, y),
                        xytext=(8, 0), textcoords="offset points", va="center",
                        fontsize=7.5, color=BAD_COLOR, bbox=LABEL_BOX)
    if floor:
        ax.axvline(floor, color="black", ls="--", lw=1.4, zorder=5)
        ax.annotate("cache-line round trip (physical floor): %s" % fmt_ns(floor),
                    (floor, -0.75), xytext=(4, 0), textcoords="offset points",
                    fontsize=8.5, va="bottom")
    for x, head in ((1.07, "p50 /\nfloor"), (1.145, "same\nrun")):
        ax.text(x, -0.85, head, transform=ax.get_yaxis_transform(), fontsize=8,
                va="bottom", ha="right", color="0.3")
    queue_axis(ax, entries, -1.3)
    if log:
        ax.set_xscale("log")
        ax.set_xlim(left, max(xs) * 1.5)
        ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    elif xs:
        ax.set_xlim(0, max(xs) * 1.08)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    ax.set_xlabel("round trip through two queues%s" % (" (log scale)" if log else ""))
    ax.grid(True, axis="x", which="major", alpha=0.3, lw=0.6)
    ax.set_title(w.title(scenario, "round trip per queue", params,
                            "p50, median of %d repetitions; fastest first%s"
                            % (reps(srows), oversub_note(w, 2))), loc="left")
    handles = [Patch(facecolor=ONE, label="p50 round trip")] + [
        Line2D([], [], marker=mk, color="0.15", ls="none", ms=6.5, mew=1.3, label=lab)
        for mk, lab in (("|", "p90"), ("d", "p99"))]
    handles.append(Line2D([], [], color="black", ls="--", lw=1.4, label="physical floor: "
                          "median p50\nof the cache-line round trip\nmeasured in the "
                          "same runs%s" % ("\n(rows: %s to %s)" % (
                              fmt_ns(min(floors)), fmt_ns(max(floors))) if floors else "")))
    handles.append(Patch(color="none", label="p50 / floor: the bar over the line\n"
                         "same run: median of each\nrepetition's p50 over the floor\n"
                         "measured in that repetition"))
    if any(bad for _, _, bad in entries):
        handles.append(Patch(facecolor=ONE, alpha=0.4, hatch="//", edgecolor=BAD_COLOR,
                             label="status not ok (named)"))
    ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.17, 1.0),
              borderaxespad=0.0, handlelength=1.6)
    w.save(fig, base, "round_trip")
