"""problems.starvation: under a read-heavy load, what does each rw lock give
its writers?

One figure per parameter set (readers and writers included: the thread
count is their sum, not an axis), one group per rw lock, ordered by the
writers' throughput (most first), three panels:

  - writer wait p50, p99 and max (log scale). A wait still going on when
    the window closed is a lower bound (the writer got in only because the
    readers stopped); where such a wait is the maximum, the bar is marked
    ">= k/n" (in k of n repetitions);
  - writer ops/s, with "starved k/n" where in k of n repetitions a writer
    got no write at all in the window;
  - reader ops/s, starved readers marked the same way.

Starvation is a measurement, drawn in black; red is kept for cases whose
status is not ok (a broken reader-writer invariant, a crash), drawn hatched
and named, never dropped. More threads than CPUs shades the panels, as the
oversubscribed region of the thread axes elsewhere.
"""
from .. import contend_result as cr
from ..plot_style import Line2D, Patch, fmt_ns, plt, ticker

from . import common

WAITS = (("p50", "p50", 1.0, None), ("p99", "p99", 0.6, None), ("max", "max", 0.3, "//"))
STARVED_COLOR = "0.1"


def _lock_data(rows, lost):
    out = {}
    for p in cr.primitives(rows + lost):
        prow = [r for r in rows if r.get("primitive") == p]
        plost = [c for c in lost if c.get("primitive") == p]
        ok = [r for r in prow if cr.is_ok(r)]
        detail = next((c.get("detail") for c in plost if c.get("detail")), None) or next(
            ((r.get("validation") or {}).get("detail") for r in prow
             if not cr.is_ok(r) and (r.get("validation") or {}).get("detail")), None)
        status = next((r.get("status") for r in prow + plost if r.get("status") != "ok"), "ok")
        out[p] = dict(use=ok or prow, ok=bool(ok), status=status, detail=detail)
    return out


def _order(data):
    def key(p):
        d = data[p]
        w = cr.median(cr.metric(r, "write_ops_per_s") for r in d["use"])
        return (not d["ok"], -(w or 0), p)
    return sorted(data, key=key)


def _starved_note(ax, x, rows, metric):
    """A black triangle on the floor and 'starved k/n' (k of n repetitions
    had a thread of this role with no operation in the window)."""
    hit = [r for r in rows if (cr.metric(r, metric) or 0) > 0]
    if not hit:
        return False
    ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="v", color=STARVED_COLOR,
            ms=8, clip_on=False, zorder=6)
    ax.text(x, 0.07, "starved\n%d/%d" % (len(hit), len(rows)), transform=ax.get_xaxis_transform(),
            ha="center", va="bottom", fontsize=7.5, color=STARVED_COLOR, zorder=6,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    return True


def _censored(row):
    """Whether the row's longest writer wait is one the stop cut short."""
    open_ns = cr.metric(row, "write_wait_open_at_stop_ns")
    top = common.latency(row, "write_wait", "max")
    return open_ns is not None and top is not None and open_ns >= 0.99 * top


def _rate_panel(ax, writer, prims, data, metric, starved_metric):
    any_starved = False
    for x, p in enumerate(prims):
        d = data[p]
        m = common.median_bar(ax, x, [cr.metric(r, metric) for r in d["use"]],
                              writer.style.color[p], d["ok"])
        if m is None:
            common.floor_x(ax, x)
            continue
        if not d["ok"]:
            common.status_above(ax, x, m, d["status"])
        any_starved |= _starved_note(ax, x, d["use"], starved_metric)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    return any_starved


def _wait_panel(ax, writer, prims, data):
    width, censored_any = 0.26, False
    for x, p in enumerate(prims):
        d = data[p]
        top = common.wait_bars(ax, x, d["use"], "write_wait", WAITS, writer.style.color[p],
                               d["ok"], width)
        if top is None:
            common.floor_x(ax, x)
            continue
        cens = sum(1 for r in d["use"] if _censored(r))
        if cens:
            censored_any = True
            ax.annotate("\u2265\n%d/%d" % (cens, len(d["use"])), (x + width, top), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7.5,
                        color=STARVED_COLOR, zorder=6)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi * 4)  # room for the censored notes
    ax.set_ylabel("writer wait (log scale)")
    return censored_any


def _figure(writer, scenario, params, rows, lost, base):
    data = _lock_data(rows, lost)
    prims = _order(data)
    threads = sorted({cr.threads_of(r) for r in rows if isinstance(cr.threads_of(r), int)})
    fig, axes = plt.subplots(1, 3, figsize=(16.0, 5.2), layout="constrained")
    censored = _wait_panel(axes[0], writer, prims, data)
    axes[0].set_title("writer wait (request -> lock held)", fontsize=10)
    starved_w = _rate_panel(axes[1], writer, prims, data, "write_ops_per_s", "starved_writers")
    axes[1].set_title("writer throughput", fontsize=10)
    axes[1].set_ylabel("writes/s")
    starved_r = _rate_panel(axes[2], writer, prims, data, "read_ops_per_s", "starved_readers")
    axes[2].set_title("reader throughput", fontsize=10)
    axes[2].set_ylabel("reads/s")
    over = common.finish_bar_figure(writer, fig, axes, prims, rows,
                                    threads[-1] if threads else None, scenario,
                                    "what each rw lock leaves its writers", params)
    handles = [Patch(facecolor="0.45", alpha=a, hatch=h, label="writer wait " + lab)
               for _, lab, a, h in WAITS]
    if censored:
        handles.append(Line2D([], [], ls="none", label="\u2265 k/n: in k of n repetitions the "
                              "longest wait\n   was cut short by the stop (a lower bound)"))
    if starved_w or starved_r:
        handles.append(Line2D([], [], color=STARVED_COLOR, marker="v", ls="none",
                              label="starved k/n: in k of n repetitions a thread of\n"
                              "   that role did nothing in the window"))
    if over:
        handles.append(writer.oversub_handle())
    if any(data[p]["status"] != "ok" for p in prims):
        handles.append(writer.bad_handle("status not ok (red, hatched; named below)"))
    axes[2].legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                   borderaxespad=0.0)
    notes = ["%s: %s: %s" % (p, data[p]["status"], data[p]["detail"] or "no detail")
             for p in prims if data[p]["status"] != "ok"]
    common.notes_below(fig, notes)
    writer.save(fig, base, "writers")


def draw(writer, scenario, rows, lost):
    # Every parameter set gets its figure, even one whose cases all failed
    # before a sample: they are drawn red and named, never dropped.
    return common.draw_figures(writer, scenario, common.parameter_sets(rows, lost, exclude=()),
                               _figure, without_samples=True)
