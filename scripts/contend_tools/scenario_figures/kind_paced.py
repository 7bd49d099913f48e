"""Figure plugin for paced (open-loop) queue rows, those with an offered rate.

A kind plugin (see __init__.py): it draws any scenario whose rows are its
kind (queues.paced), whatever the scenario's name. Rows whose parameters all carry an offered `rate` get, per combination of the
parameters other than the rate, one __paced figure with two panels over the
offered rate (log x): enqueue->dequeue latency p50 and p99 per queue (log y;
measured from each item's scheduled send time, so a backlog shows), and
achieved/offered items/s with a dashed line at 1.0. A queue saturates at the
first offered rate where its median achieved/offered falls below SATURATED;
that point is ringed in both panels and named in the legend. Not-ok samples
are red x's, never dropped.
"""
from .. import contend_result as cr
from . import common
from ..plot_style import (BAD_COLOR, BAND_ALPHA, Line2D, fmt_ns, items_per_s, minmax_median, plt,
                          reps, ticker)

RATE = "rate"
LATENCY_KEY = "enqueue_dequeue"
SATURATED = 0.95  # achieved/offered below this: the queue no longer keeps up
LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8)


def rate_of(row):
    v = cr.finite((row.get("params") or {}).get(RATE))
    return v if v is not None else cr.metric(row, "offered_items_per_s")


def ratio_of(row):
    v = cr.metric(row, "achieved_over_offered")
    if v is None:
        got, offered = items_per_s(row), cr.metric(row, "offered_items_per_s") or rate_of(row)
        v = got / offered if got is not None and offered else None
    return v


def latency_of(row, pk):
    lat = (row.get("latency") or {}).get(LATENCY_KEY)
    if not isinstance(lat, dict):  # another writer's name for the one latency kind
        keys = cr.latency_keys([row])
        lat = row["latency"][keys[0]] if keys else {}
    return cr.finite(lat.get(pk)) if isinstance(lat, dict) else None


def fmt_rate(v):
    """'16 M' for 16e6, '250 k', '1.25 M': an items/s figure, 3 significant digits."""
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= scale:
            return "%g\u2009%s" % (float("%.3g" % (v / scale)), unit)
    return "%g" % float("%.3g" % v)


def draw(w, scenario, rows, lost):
    if not all(rate_of(r) is not None for r in rows + lost):
        return False
    common.draw_figures(w, scenario, common.parameter_sets(rows, lost, ("threads", RATE)),
                        paced_figure)
    return True


def paced_figure(w, scenario, params, srows, slost, base):
    rates = sorted({rate_of(r) for r in srows + slost})
    prims = cr.primitives(srows + slost)
    fig, (lat_ax, ratio_ax) = plt.subplots(
        2, 1, sharex=True, figsize=(10.5, 7.4), layout="constrained",
        gridspec_kw=dict(height_ratios=(3, 2)))
    labels, bad_rows = {}, [r for r in srows if not cr.is_ok(r)]
    ratio_vals = []
    for p in prims:
        prow = [r for r in srows if r.get("primitive") == p]
        c, mk = w.style.color[p], w.style.marker[p]
        at = {x: [r for r in prow if rate_of(r) == x and cr.is_ok(r)] for x in rates}
        med = {pk: [minmax_median([latency_of(r, pk) for r in at[x]])[0] for x in rates]
               for pk in ("p50", "p99")}
        ratio = [minmax_median([ratio_of(r) for r in at[x]]) for x in rates]
        ratio_vals += [v for m in ratio for v in m if v is not None]
        def line(ax, ys, **kw):  # joined across a rate with no ok sample (its red x)
            pts = [(x, y) for x, y in zip(rates, ys) if y is not None]
            ax.plot([x for x, _ in pts], [y for _, y in pts], color=c, marker=mk,
                    zorder=3, **kw)
        nan = lambda vs: [float("nan") if v is None else v for v in vs]  # noqa: E731
        line(lat_ax, med["p50"], lw=1.9, ms=5.5)
        line(lat_ax, med["p99"], lw=1.2, ms=4, ls="--", mfc="white", alpha=0.85)
        line(ratio_ax, [m for m, _, _ in ratio], lw=1.9, ms=5.5)
        ratio_ax.fill_between(rates, nan([lo for _, lo, _ in ratio]),
                              nan([hi for _, _, hi in ratio]), color=c, alpha=BAND_ALPHA,
                              lw=0, zorder=2)
        # Saturation: the first rate it no longer keeps up with.
        sat = next((i for i, (m, _, _) in enumerate(ratio)
                    if m is not None and m < SATURATED), None)
        peak = max([items_per_s(r) or 0 for r in prow if cr.is_ok(r)] or [0])
        bad_at = sorted({rate_of(r) for r in prow if not cr.is_ok(r)}
                        | {rate_of(c) for c in slost if c.get("primitive") == p})
        bad_note = "\n  (not ok at %s/s)" % ", ".join(map(fmt_rate, bad_at)) if bad_at else ""
        if sat is None:
            kept = [x for x, (m, _, _) in zip(rates, ratio) if m is not None]
            labels[p] = ("%s: keeps up through %s/s" % (p, fmt_rate(max(kept))) if kept
                         else "%s: no ok sample" % p) + bad_note
            continue
        x = rates[sat]
        ok_below = [rates[i] for i in range(sat) if ratio[i][0] is not None]
        labels[p] = "%s: saturates %s %s/s\n  (achieves %.0f %%; peak %s items/s)" % (
            p, "between %s and" % fmt_rate(ok_below[-1]) if ok_below else "by",
            fmt_rate(x), 100 * ratio[sat][0], fmt_rate(peak)) + bad_note
        for ax, y in ((ratio_ax, ratio[sat][0]), (lat_ax, med["p50"][sat])):
            if y is not None:
                ax.plot([x], [y], marker="o", ms=15, mfc="none", mec=c, mew=2.2, zorder=4)
        ratio_ax.annotate(p, (x, ratio[sat][0]), xytext=(-12, 0), textcoords="offset points",
                          ha="right", va="center", fontsize=8, color=c, bbox=LABEL_BOX,
                          zorder=6)
    notes = mark_paced_bad(lat_ax, ratio_ax, bad_rows, slost, rates)
    ratio_vals += [ratio_of(r) for r in bad_rows if ratio_of(r) is not None]

    lat_ax.set_yscale("log")
    lat_ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    lat_ax.set_ylabel("enqueue -> dequeue latency\nfrom scheduled send (log scale)")
    lat_ax.grid(True, which="major", alpha=0.3, lw=0.6)
    lat_ax.set_title("latency: p50 (solid) and p99 (dashed), median of repetitions",
                     fontsize=9.5, loc="left")
    ratio_ax.axhline(1.0, color="0.2", ls="--", lw=1.2, zorder=1)
    ratio_ax.axhline(SATURATED, color="0.55", ls=":", lw=1.0, zorder=1)
    top = max([1.1] + [v for v in ratio_vals if v is not None])
    ratio_ax.set_ylim(0, min(top * 1.05, 2.0))
    ratio_ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0, decimals=0))
    ratio_ax.set_ylabel("achieved / offered items/s")
    ratio_ax.grid(True, which="major", alpha=0.3, lw=0.6)
    ratio_ax.set_title("throughput kept up: median, band min to max of repetitions",
                       fontsize=9.5, loc="left")
    ratio_ax.set_xscale("log")
    ratio_ax.set_xlim(rates[0] / 1.6, rates[-1] * 1.6)
    ratio_ax.set_xticks(rates)
    ratio_ax.xaxis.set_major_formatter(ticker.FixedFormatter([fmt_rate(x) for x in rates]))
    ratio_ax.xaxis.set_minor_locator(ticker.NullLocator())
    ratio_ax.set_xlabel("offered rate (items/s, log scale)")
    shape = cr.shape_of(srows[0])
    extra = "median of %d repetitions" % reps(srows)
    if shape and w.num_cpus and sum(shape) > w.num_cpus:
        extra += ", oversubscribed: %d threads on %d CPUs" % (sum(shape), w.num_cpus)
    fig.suptitle(w.title(scenario, "latency and throughput vs offered rate", params,
                            extra), x=0.01, ha="left", fontsize=10.5)
    handles = [Line2D([], [], color=w.style.color[p], marker=w.style.marker[p],
                      lw=1.9, label=labels[p]) for p in prims]
    handles += [Line2D([], [], color="0.3", lw=1.9, label="p50"),
                Line2D([], [], color="0.3", lw=1.2, ls="--", label="p99"),
                Line2D([], [], ls="none", marker="o", ms=12, mfc="none", mec="0.3", mew=2,
                       label="saturation: first rate with\nachieved/offered < %.0f %%"
                       % (100 * SATURATED)),
                Line2D([], [], color="0.2", ls="--", lw=1.2, label="100 %: keeps up"),
                Line2D([], [], color="0.55", ls=":", lw=1.0,
                       label="%.0f %%: saturation threshold" % (100 * SATURATED))]
    if bad_rows or slost:
        handles.append(w.bad_handle("status not ok (named;\nnot in lines)"))
    for note in notes:
        handles.append(Line2D([], [], color=BAD_COLOR, marker="x", ls="none", markersize=6,
                              mew=1.5, label=note))
    lat_ax.legend(handles=handles, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handlelength=2.2)
    w.save(fig, base, "paced")


def mark_paced_bad(lat_ax, ratio_ax, bad_rows, slost, rates):
    """Red x at each not-ok sample's p50 and ratio, named; a case with no
    sample gets an x on both floors and a legend note (returned)."""
    stacked = {}
    cases = cr.group_by(bad_rows, lambda r: (rate_of(r), r.get("primitive"), r.get("status")))
    for (x, p, status), rows in cases.items():
        for ax, vals in ((lat_ax, [latency_of(r, "p50") for r in rows]),
                         (ratio_ax, [ratio_of(r) for r in rows])):
            vals = [v for v in vals if v is not None and v > 0]
            if not vals:
                ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                        color=BAD_COLOR, ms=9, mew=2.2, clip_on=False, zorder=5)
                continue
            k = stacked.get((ax, x), 0)
            stacked[ax, x] = k + 1
            ax.plot([x] * len(vals), vals, marker="x", color=BAD_COLOR, ms=9, mew=2.2,
                    ls="none", zorder=5)
            right = x == rates[-1]
            ax.annotate("%s: %s" % (p, status), (x, max(vals)), textcoords="offset points",
                        xytext=(-7 if right else 7, 4 + 11 * k), fontsize=7.5,
                        ha="right" if right else "left", color=BAD_COLOR, bbox=LABEL_BOX,
                        zorder=6)
    for c in slost:
        for ax in (lat_ax, ratio_ax):
            ax.plot([rate_of(c)], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                    color=BAD_COLOR, ms=9, mew=2.2, clip_on=False, zorder=5)
    return ["%s: %s, no sample at %s/s" % (c.get("primitive"), c.get("status"),
                                            fmt_rate(rate_of(c))) for c in slost]
