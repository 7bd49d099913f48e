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
import textwrap

import contend_result as cr
from plot_style import BAD_COLOR, OVERSUB_COLOR, Line2D, Patch, plt, ticker

WAITS = (("p50", "p50", 1.0, None), ("p99", "p99", 0.6, None), ("max", "max", 0.3, "//"))
STARVED_COLOR = "0.1"


def _summary(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None, None
    return cr.median(vals), min(vals), max(vals)


def _fmt_ns(v):
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "\u00b5s")):
        if v >= scale:
            return "%g %s" % (float("%.3g" % (v / scale)), unit)
    return "%g ns" % float("%.3g" % v)


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
    top = cr.finite(((row.get("latency") or {}).get("write_wait") or {}).get("max"))
    return open_ns is not None and top is not None and open_ns >= 0.99 * top


def _rate_panel(ax, writer, prims, data, metric, starved_metric):
    any_starved = False
    for x, p in enumerate(prims):
        d = data[p]
        m, lo, hi = _summary(cr.metric(r, metric) for r in d["use"])
        color = writer.style.color[p]
        if m is None:
            ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                    color=BAD_COLOR, ms=10, mew=2.4, clip_on=False, zorder=6)
            continue
        if d["ok"]:
            ax.bar(x, m, 0.7, color=color, zorder=3)
        else:
            ax.bar(x, m, 0.7, color=color, alpha=0.35, hatch="//", edgecolor=BAD_COLOR, zorder=3)
            ax.annotate(d["status"], (x, m), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=8, color=BAD_COLOR, zorder=6)
        if hi > lo:
            ax.errorbar([x], [m], yerr=[[m - lo], [hi - m]], fmt="none", ecolor="0.15",
                        elinewidth=0.9, capsize=2.5, zorder=4)
        any_starved |= _starved_note(ax, x, d["use"], starved_metric)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    return any_starved


def _wait_panel(ax, writer, prims, data):
    width, censored_any = 0.26, False
    for x, p in enumerate(prims):
        d = data[p]
        top = None
        for j, (key, _, alpha, hatch) in enumerate(WAITS):
            vals = [cr.finite(((r.get("latency") or {}).get("write_wait") or {}).get(key))
                    for r in d["use"]]
            m, lo, hi = _summary(v for v in vals if v)
            if m is None:
                continue
            xx = x + (j - 1) * width
            kw = dict(color=writer.style.color[p], alpha=alpha if d["ok"] else 0.3, hatch=hatch,
                      zorder=3)
            if not d["ok"]:
                kw["edgecolor"] = BAD_COLOR
            ax.bar(xx, m, width * 0.92, **kw)
            if hi > lo:
                ax.errorbar([xx], [m], yerr=[[m - lo], [hi - m]], fmt="none", ecolor="0.15",
                            elinewidth=0.8, capsize=2, zorder=4)
            top = max(top or 0, hi)
        if top is None:
            ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                    color=BAD_COLOR, ms=10, mew=2.4, clip_on=False, zorder=6)
            continue
        cens = sum(1 for r in d["use"] if _censored(r))
        if cens:
            censored_any = True
            ax.annotate("\u2265\n%d/%d" % (cens, len(d["use"])), (x + width, top), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=7.5,
                        color=STARVED_COLOR, zorder=6)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _fmt_ns(v)))
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi * 4)  # room for the censored notes
    ax.set_ylabel("writer wait (log scale)")
    return censored_any


def _figure(writer, scenario, params, rows, lost):
    data = _lock_data(rows, lost)
    prims = _order(data)
    threads = sorted({cr.threads_of(r) for r in rows if isinstance(cr.threads_of(r), int)})
    n_threads = threads[-1] if threads else None
    over = bool(writer.num_cpus and n_threads and n_threads > writer.num_cpus)
    fig, axes = plt.subplots(1, 3, figsize=(16.0, 5.2), layout="constrained")
    censored = _wait_panel(axes[0], writer, prims, data)
    axes[0].set_title("writer wait (request -> lock held)", fontsize=10)
    starved_w = _rate_panel(axes[1], writer, prims, data, "write_ops_per_s", "starved_writers")
    axes[1].set_title("writer throughput", fontsize=10)
    axes[1].set_ylabel("writes/s")
    starved_r = _rate_panel(axes[2], writer, prims, data, "read_ops_per_s", "starved_readers")
    axes[2].set_title("reader throughput", fontsize=10)
    axes[2].set_ylabel("reads/s")
    for ax in axes:
        ax.set_xticks(range(len(prims)))
        ax.set_xticklabels(prims, rotation=20, ha="right")
        ax.set_xlim(-0.6, len(prims) - 0.4)
        ax.grid(True, axis="y", alpha=0.3, lw=0.6)
        if over:
            ax.set_facecolor(OVERSUB_COLOR)
    n_reps = max([r.get("repetitions") or 1 for r in rows] or [1])
    extra = "median of %d repetitions; whiskers min..max" % n_reps
    if over:
        extra += "; %d threads on %d CPUs: oversubscribed" % (n_threads, writer.num_cpus)
    fig.suptitle(writer.title(scenario, "what each rw lock leaves its writers", params, extra),
                 x=0.01, ha="left", fontsize=10.5)
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
    if notes:
        text = "\n".join(textwrap.fill(n, 190, subsequent_indent="    ") for n in notes)
        fig.text(0.01, -0.01, text, ha="left", va="top", fontsize=8, color=BAD_COLOR)
    base = "%s__%s" % (cr.slug(scenario), cr.params_slug(params))
    writer.save(fig, base, "writers")


def draw(writer, scenario, rows, lost):
    for params, members in cr.parameter_sets(rows + lost, exclude=()):
        srows = [r for r in members if r.get("run_type") == "iteration"]
        slost = [c for c in members if c.get("run_type") != "iteration"]
        _figure(writer, scenario, params, srows, slost)
    return True
