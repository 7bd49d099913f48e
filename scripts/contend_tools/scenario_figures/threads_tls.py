"""threads.tls: counting throughput vs threads, one line per strategy.

One figure per combination of the parameters other than `threads`
(read_pct, think_ns): operations/s on a log scale, median and min-max band of
the repetitions, the oversubscribed region shaded. The question is how each
strategy scales, and above all what false sharing costs, so at every thread
count above 1 a bracket joins packed_slots to padded_slots and names the
ratio: the same per-thread slots, differing only in whether two slots share a
cache line. Cases whose status is not ok are red crosses, named.
"""
from .. import contend_result as cr
from ..plot_style import Line2D, items_per_s, plt, reps

from . import common

PACKED, PADDED = "packed_slots", "padded_slots"


def draw(writer, scenario, rows, lost):
    return common.draw_figures(writer, scenario, common.parameter_sets(rows, lost), figure)


def medians(rows, prim):
    """threads -> median ops/s of the primitive's ok samples."""
    out = {}
    for t, group in cr.group_by([r for r in rows if r.get("primitive") == prim
                                 and cr.is_ok(r)], cr.threads_of).items():
        m = cr.median(items_per_s(r) for r in group)
        if m:
            out[t] = m
    return out


def false_sharing_brackets(ax, rows):
    """A bracket from packed to padded at each thread count >= 2, labelled
    with padded/packed. Returns the legend handle, or None."""
    packed, padded = medians(rows, PACKED), medians(rows, PADDED)
    drawn = False
    for t in sorted(set(packed) & set(padded)):
        if t < 2:
            continue  # one thread: no other writer to share a line with
        lo, hi = sorted((packed[t], padded[t]))
        ax.annotate("", xy=(t, lo), xytext=(t, hi), zorder=6,
                    arrowprops=dict(arrowstyle="<->", color="0.2", lw=1.1,
                                    shrinkA=0, shrinkB=0))
        ax.annotate("\u00d7%.3g" % (padded[t] / packed[t]), (t, (lo * hi) ** 0.5),
                    xytext=(5, 0), textcoords="offset points", va="center", fontsize=8.5,
                    color="0.1", fontweight="bold", zorder=7,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
        drawn = True
    if not drawn:
        return None
    return Line2D([], [], color="0.2", lw=1.1, marker="$\u2195$", ms=9, ls="none",
                  label="false-sharing gap: padded / packed slots")


def figure(writer, scenario, params, srows, slost, base):
    fig, ax = plt.subplots(figsize=(10.2, 5.2), layout="constrained")
    prims, bad, shaded, notes = writer.line_panel(
        ax, srows, slost, items_per_s, "operations/s (log scale)")
    # Strategies differ by orders of magnitude: always log, whatever the span
    # (at least a decade, so a small gap does not look like a chasm).
    common.log_axis(ax, [items_per_s(r) for r in srows])
    extras = writer.extras(bad, shaded, notes)
    gap = false_sharing_brackets(ax, srows)
    if gap is not None:
        extras.insert(0, gap)
    read_pct = params.get("read_pct")
    what = "counting throughput vs threads"
    if read_pct:
        what += ", %s%% of operations read the total" % read_pct
        extras.append(Line2D([], [], ls="none", label="strategies without a live total "
                             "(thread_local_merge)\nare not run when operations read"))
    ax.set_title(writer.title(scenario, what, params,
                              "median of %d repetitions" % reps(srows)), loc="left")
    writer.legend(ax, prims, extras)
    writer.save(fig, base, "throughput")
