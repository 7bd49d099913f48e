"""problems.deadlock: which way of picking up the forks keeps philosophers eating?

One figure per parameter set (seats included: the thread count is the
table's size, not an axis), one bar per strategy in the scenario's order,
three panels:

  - meals/s, median of the repetitions, whiskers min..max. A deadlocked
    strategy gets a red X and "DEADLOCK after N meals, T ms" from the
    case's deadlock record (its pre-deadlock rate, if the deadlock came
    inside the window, is a hatched red bar); trylock_backoff's failed tries
    per meal are written on its bar;
  - fairness across philosophers: Jain's index (1 = all ate equally, the
    1/n floor dotted); philosophers with no meal at all are named in red;
  - the wait from hungry to eating: p50, p99 and the longest wait (log).

Every not-ok case is drawn in red and its one-line detail (for a deadlock:
who holds which fork, who waits for which) is printed under the panels. A
table with more seats than CPUs is oversubscribed: the panels are shaded
as the thread axes of the other figures are.
"""
from .. import contend_result as cr
from ..plot_style import BAD_COLOR, Line2D, Patch, fmt_ns, items_per_s, plt, ticker

from . import common

ORDER = ("naive", "ordered", "scoped_lock", "trylock_backoff", "waiter")
WAITS = (("p50", "p50", 1.0, None), ("p99", "p99", 0.65, None), ("max", "longest", 0.35, "//"))


def _order(names):
    known = [p for p in ORDER if p in names]
    return known + sorted(n for n in names if n not in ORDER)


def _deadlock_of(prow, plost):
    for r in plost + prow:
        if isinstance(r.get("deadlock"), dict):
            return r["deadlock"]
    return None


def _detail_of(prow, plost):
    for c in plost:
        if c.get("detail"):
            return c["detail"]
    for r in prow:
        d = (r.get("validation") or {}).get("detail")
        if d and not cr.is_ok(r):
            return d
    return None


def _status_of(prow, plost):
    bad = [r.get("status") for r in prow + plost if r.get("status") != "ok"]
    return bad[0] if bad else "ok"


def _deadlock_text(dl):
    meals = dl.get("meals_before")
    ms = cr.finite(dl.get("since_start_ns"))
    where = {"warmup": "in warm-up", "window": "in window", "stop": "at stop"}.get(
        dl.get("phase"), "")
    parts = ["DEADLOCK"]
    if meals == 0:
        parts.append("before any meal")
        if where:
            parts.append(where)
    else:
        if isinstance(meals, int):
            parts.append("after %d meal%s" % (meals, "" if meals == 1 else "s"))
        if ms is not None:
            parts.append("%.3g ms %s" % (ms / 1e6, where))
    return "\n".join(parts)


def _strategy_data(rows, lost, prims):
    out = {}
    for p in prims:
        prow = [r for r in rows if r.get("primitive") == p]
        plost = [c for c in lost if c.get("primitive") == p]
        ok = [r for r in prow if cr.is_ok(r)]
        out[p] = dict(rows=prow, lost=plost, ok=ok, use=ok or prow,
                      status=_status_of(prow, plost), deadlock=_deadlock_of(prow, plost),
                      detail=_detail_of(prow, plost))
    return out


def _meals_panel(ax, writer, prims, data):
    ax.set_title("meals/s (all philosophers)", fontsize=10)
    for x, p in enumerate(prims):
        d = data[p]
        m = common.median_bar(ax, x, [items_per_s(r) for r in d["use"]], writer.style.color[p],
                              bool(d["ok"]))
        if d["deadlock"]:
            common.floor_x(ax, x, _deadlock_text(d["deadlock"]))
        elif m is None:
            common.floor_x(ax, x, "%s\nno sample" % d["status"])
        elif not d["ok"]:
            common.status_above(ax, x, m, d["status"])
        tries = cr.median(cr.metric(r, "failed_tries_per_meal") for r in d["use"])
        if m is not None and tries is not None:
            ax.text(x, m * 0.5, "%.2g failed\ntries per\nmeal" % tries, ha="center",
                    va="center", fontsize=7.5, color="white", zorder=6)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    ax.set_ylabel("meals/s")


def _fairness_panel(ax, writer, prims, data, seats):
    ax.set_title("fairness across philosophers", fontsize=10)
    for x, p in enumerate(prims):
        d = data[p]
        m = common.median_bar(ax, x, [cr.metric(r, "jain_index") for r in d["use"]],
                              writer.style.color[p], bool(d["ok"]))
        if m is None:
            common.floor_x(ax, x, "deadlock" if d["deadlock"] else d["status"])
            continue
        hungry = max((cr.metric(r, "philosophers_without_a_meal") or 0) for r in d["use"])
        if hungry:
            ax.annotate("%d philosopher%s\nate nothing" % (hungry, "" if hungry == 1 else "s"),
                        (x, m), xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize=7.5, color=BAD_COLOR, zorder=6)
    if isinstance(seats, int) and seats > 0:
        ax.axhline(1.0 / seats, color="0.35", ls=":", lw=1.2, zorder=2)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("Jain index of meals (1 = fair)")


def _wait_panel(ax, writer, prims, data):
    ax.set_title("wait for forks (hungry -> eating)", fontsize=10)
    for x, p in enumerate(prims):
        d = data[p]
        if common.wait_bars(ax, x, d["use"], "fork_wait", WAITS, writer.style.color[p],
                            d["ok"]) is None:
            common.floor_x(ax, x, "deadlock" if d["deadlock"] else d["status"])
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: fmt_ns(v)))
    ax.set_ylabel("wait (log scale)")


def _figure(writer, scenario, params, rows, lost, base):
    prims = _order({r.get("primitive") for r in rows + lost if r.get("primitive")})
    data = _strategy_data(rows, lost, prims)
    seats = params.get("seats")
    fig, axes = plt.subplots(1, 3, figsize=(15.5, 5.0), layout="constrained")
    _meals_panel(axes[0], writer, prims, data)
    _fairness_panel(axes[1], writer, prims, data, seats)
    _wait_panel(axes[2], writer, prims, data)
    over = common.finish_bar_figure(writer, fig, axes, prims, rows, seats, scenario,
                                    "dining philosophers by strategy", params)
    handles = [Patch(facecolor="0.45", alpha=a, hatch=h, label=lab) for _, lab, a, h in WAITS]
    handles.append(Line2D([], [], color="0.35", ls=":", lw=1.2,
                          label="1/n: one philosopher eats everything"))
    if over:
        handles.append(writer.oversub_handle())
    if any(data[p]["status"] != "ok" for p in prims):
        handles.append(writer.bad_handle("status not ok (red: hatched bar or X)"))
    axes[2].legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                   borderaxespad=0.0, title="wait panel / marks", title_fontsize=9)
    notes = ["%s: %s" % (p, data[p]["detail"]) for p in prims
             if data[p]["status"] != "ok" and data[p]["detail"]]
    common.notes_below(fig, notes)
    writer.save(fig, base, "strategies")


def draw(writer, scenario, rows, lost):
    # Every parameter set gets its figure, even one whose cases all
    # deadlocked before a sample: that deadlock is the figure's point.
    return common.draw_figures(writer, scenario, common.parameter_sets(rows, lost, exclude=()),
                               _figure, without_samples=True)
