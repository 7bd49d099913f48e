"""threads.lifecycle: what a thread costs, in time and in memory.

One figure per combination of the parameters other than `threads` and
`stack_kib` (i.e. per `parked`), three panels:
  - cost per item at the fewest creators, one row per method (pthread once
    per stack size): p50 of round trip (create -> joined / done), start
    (create -> the item's first instruction) and the create call itself as
    bars, p99 as whiskers, log scale. A hand-off to a parked worker is the
    baseline a new thread is compared with.
  - items (threads created, or hand-offs) per second vs creator threads,
    median and min-max band of the repetitions; the oversubscribed region
    shaded.
  - memory per parked thread vs the stack it reserved: virtual size (hollow)
    follows the reservation, resident memory (filled) stays at the few pages
    the thread touched.
Cases whose status is not ok are red and named, never dropped.
"""
from .. import contend_result as cr
from ..plot_style import (BAD_COLOR, BAND_LABEL, Line2D, Patch, band_handle, fmt_ns, items_per_s,
                        minmax_median, plt, reps, ticker)

from . import common

COMPONENTS = (("round_trip", "round trip: create \u2192 joined/done", "#1f4e79"),
              ("start", "start: create \u2192 first instruction", "#4f8fcf"),
              ("spawn_call", "inside the create/submit call", "#a9cbe8"))
BASELINE = "pool_handoff"


def draw(writer, scenario, rows, lost):
    return common.draw_figures(
        writer, scenario, common.parameter_sets(rows, lost, ("threads", "stack_kib")), figure)


def stack_kib(row):
    v = (row.get("params") or {}).get("stack_kib")
    return v if isinstance(v, int) else 0


def method_key(row):
    return row.get("primitive"), stack_kib(row)


def method_label(key):
    prim, kib = key
    return prim if not kib else "%s, %s stack" % (prim, fmt_kib(kib))


def fmt_kib(v):
    """'8 MiB' for 8192: a size in KiB, 3 significant digits."""
    for scale, unit in ((1024 ** 2, "GiB"), (1024, "MiB")):
        if v >= scale:
            return "%g %s" % (float("%.3g" % (v / scale)), unit)
    return "%g KiB" % float("%.3g" % v)


def cost_panel(writer, ax, srows, slost, tmin):
    """Horizontal bars per method at `tmin` creators. Returns whether a
    not-ok case was drawn."""
    at = [r for r in srows if cr.threads_of(r) == tmin]
    lost_at = [c for c in slost if cr.threads_of(c) == tmin]
    keys = sorted({method_key(r) for r in at + lost_at},
                  key=lambda k: (cr.median(common.latency(r, "round_trip", "p50") for r in at
                                           if method_key(r) == k and cr.is_ok(r)) or 1e30, k))
    height = 0.8 / len(COMPONENTS)
    any_bad = False
    values = []
    for y, key in enumerate(keys):
        krows = [r for r in at if method_key(r) == key]
        ok = [r for r in krows if cr.is_ok(r)]
        use = ok or krows
        bad_text = cr.not_ok_text(krows, [c for c in lost_at if method_key(c) == key])
        for j, (name, _, color) in enumerate(COMPONENTS):
            yy = y - 0.4 + height * (j + 0.5)
            m, _, _ = minmax_median(common.latency(r, name, "p50") for r in use)
            p99, _, _ = minmax_median(common.latency(r, name, "p99") for r in use)
            if m is None or m <= 0:
                continue
            values += [m] + ([p99] if p99 else [])
            style = dict(color=color, zorder=3)
            if not ok:
                style.update(alpha=0.4, hatch="//", edgecolor=BAD_COLOR)
            ax.barh(yy, m, height * 0.9, **style)
            if p99 and p99 > m:
                ax.plot([m, p99], [yy, yy], color="0.2", lw=0.9, zorder=4)
                ax.plot([p99], [yy], marker="|", color="0.2", ms=5, zorder=4)
            if j == 0:
                ax.annotate(fmt_ns(m), (m, yy), xytext=(3, 0), textcoords="offset points",
                            va="center", fontsize=7.5, color="0.1", zorder=6,
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none",
                                      alpha=0.7))
        if bad_text:
            any_bad = True
            ax.annotate(bad_text.replace("\n", ", "), (1.0, y), xycoords=("axes fraction", "data"),
                        xytext=(-4, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=7.5, color=BAD_COLOR, zorder=7)
    ratio_note(ax, at)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels([method_label(k) for k in keys])
    for tick, key in zip(ax.get_yticklabels(), keys):
        tick.set_color(writer.style.color.get(key[0], "0.1"))
        if key[0] == BASELINE:
            tick.set_fontstyle("italic")
    ax.invert_yaxis()
    ax.set_xscale("log")
    if values:
        ax.set_xlim(min(values) / 2, max(values) * 3)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    ax.set_xlabel("time per item (log scale); bar: p50, whisker: p99")
    ax.grid(True, axis="x", which="major", alpha=0.3, lw=0.6)
    ax.set_title("cost per item, %d creator%s" % (tmin, "" if tmin == 1 else "s"), fontsize=10)
    return any_bad


def ratio_note(ax, rows):
    """How many hand-offs one new std::thread costs (round trip p50)."""
    def med(prim):
        return cr.median(common.latency(r, "round_trip", "p50") for r in rows
                         if r.get("primitive") == prim and cr.is_ok(r) and not stack_kib(r))
    thread, handoff = med("std_thread"), med(BASELINE)
    if thread and handoff:
        ax.text(0.99, 0.99, "a new std::thread per item costs %.3g\u00d7 a hand-off\nto a "
                "parked worker (round trip p50)" % (thread / handoff), transform=ax.transAxes,
                ha="right", va="top", fontsize=8, color="0.15",
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.8"))


def rate_rows(srows):
    """One stack size per primitive for the rate panel: the default stack
    where it ran, else its first."""
    out = []
    for prim, prow in cr.group_by(srows, lambda r: r.get("primitive")).items():
        sizes = sorted({stack_kib(r) for r in prow})
        out += [r for r in prow if stack_kib(r) == sizes[0]]
    return out


def memory_panel(writer, ax, srows):
    """Memory per parked thread vs reserved stack, per primitive. Returns
    the not-ok primitives drawn."""
    rows = [r for r in srows if cr.metric(r, "stack_kib_reserved")]
    prims = cr.primitives(rows)
    bad = []
    stacks = sorted({cr.metric(r, "stack_kib_reserved") for r in rows})
    dodge = {p: 1.12 ** (i - (len(prims) - 1) / 2) for i, p in enumerate(prims)}
    for p in prims:
        prow = [r for r in rows if r.get("primitive") == p]
        for s in stacks:
            at = [r for r in prow if cr.metric(r, "stack_kib_reserved") == s]
            ok = [r for r in at if cr.is_ok(r)]
            use = ok or at
            if not use:
                continue
            x = s * dodge[p]
            color = writer.style.color[p] if ok else BAD_COLOR
            for name, filled in (("vsz_kib_per_thread", False), ("rss_kib_per_thread", True)):
                m, mn, mx = minmax_median(cr.metric(r, name) for r in use)
                if m is None:
                    continue
                ax.plot([x], [max(m, 0.5)], marker=writer.style.marker[p], ms=7, ls="none",
                        color=color, mfc=color if filled else "white", mew=1.5, zorder=4)
                if mx > mn:
                    ax.plot([x, x], [max(mn, 0.5), max(mx, 0.5)], color=color, lw=1, zorder=3)
            if not ok:
                bad.append("%s at %s KiB: %s" % (p, int(s), cr.not_ok_text(at, [])))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    if stacks:
        lo, hi = min(stacks) / 1.6, max(stacks) * 1.6
        ax.plot([lo, hi], [lo, hi], ls=":", color="0.5", lw=1, zorder=1)
        ax.set_xlim(lo, hi)
        vals = [v for r in rows for v in (cr.metric(r, "rss_kib_per_thread"),
                                          cr.metric(r, "vsz_kib_per_thread")) if v and v > 0]
        ax.set_ylim(min(vals + [lo]) / 2.5, max(vals + [hi]) * 2)
        rss = [cr.metric(r, "rss_kib_per_thread") for r in rows if cr.is_ok(r)]
        rss = [v for v in rss if v is not None]
        if rss:
            m = cr.median(rss)
            ax.annotate("resident: ~%s per thread, whatever the stack reserved" % fmt_kib(m),
                        (lo, m), xytext=(4, 12), textcoords="offset points", ha="left",
                        fontsize=8, color="0.2")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_kib(v)))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_kib(v)))
    ax.set_xlabel("stack reserved per thread")
    ax.set_ylabel("memory per parked thread")
    ax.grid(True, which="major", alpha=0.3, lw=0.6)
    parked = sorted({int(cr.metric(r, "parked_threads")) for r in rows
                     if cr.metric(r, "parked_threads")})
    ax.set_title("memory per thread, %s threads parked (/proc/self/statm)"
                 % "/".join(map(str, parked)) if parked else "memory per thread", fontsize=10)
    return bad


def figure(writer, scenario, params, srows, slost, base):
    fig, (ax_cost, ax_rate, ax_mem) = plt.subplots(
        1, 3, figsize=(18.5, 5.6), layout="constrained", gridspec_kw={"width_ratios": [1.25, 1, 1]})
    tmin = min(cr.threads_of(r) for r in srows)
    any_bad = cost_panel(writer, ax_cost, srows, slost, tmin)

    rrows = rate_rows(srows)
    stacks = {r.get("primitive"): stack_kib(r) for r in rrows}
    rlost = [c for c in slost if stack_kib(c) == stacks.get(c.get("primitive"), 0)]
    prims, bad, shaded, notes = writer.line_panel(ax_rate, rrows, rlost, items_per_s,
                                                  "threads started (or hand-offs) per second")
    ax_rate.set_xlabel("creator threads")
    ax_rate.set_title("threads started (hand-offs) per second vs creators", fontsize=10)
    any_bad |= bad

    mem_bad = memory_panel(writer, ax_mem, srows)
    any_bad |= bool(mem_bad)

    handles = [Patch(facecolor=c, label=label) for _, label, c in COMPONENTS]
    handles.append(Line2D([], [], color="0.2", marker="|", lw=0.9, label="whisker: p99"))
    handles += [Line2D([], [], color=writer.style.color[p], marker=writer.style.marker[p],
                       label=p) for p in prims]
    handles.append(band_handle())
    labels = [h.get_label() for h in handles[:-1]] + [BAND_LABEL]
    mem_h = [Line2D([], [], color="0.3", marker="o", ls="none", mfc="white", mew=1.5,
                    label="hollow: virtual size (VSZ)"),
             Line2D([], [], color="0.3", marker="o", ls="none", label="filled: resident (RSS)"),
             Line2D([], [], color="0.5", ls=":", label="memory = stack reserved")]
    extras = mem_h + writer.extras(any_bad, shaded, notes + mem_bad)
    ax_mem.legend(handles=handles + extras, labels=labels + [h.get_label() for h in extras],
                  frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    fig.suptitle(writer.title(scenario, "what a thread costs", params,
                              "median of %d repetitions" % reps(srows)),
                 x=0.01, ha="left", fontsize=10.5)
    writer.save(fig, base, "cost")
