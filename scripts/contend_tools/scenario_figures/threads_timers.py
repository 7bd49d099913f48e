"""threads.timers: don't use sleep for timers, at a glance.

One figure per combination of the parameters other than delay_us and pattern
(i.e. per timer slack), every panel against the requested delay (log scale),
one colour per method, methods side by side at each delay:
  - overshoot: how late each wake-up was (marker: p50, line up to p99, dash:
    max), with the thread's timer slack drawn as a reference line: it
    explains most of a sleep's lateness. A timer that fired early makes its
    case invalid: red, named.
  - drift of the periodic schedule at the end of the window (last tick vs
    start + k * period): a relative re-arm (sleep_for, timerfd_oneshot;
    dashed) adds every overshoot to the schedule, absolute deadlines only
    carry their latest.
  - CPU burnt while waiting, as a share of one CPU: a spin buys its precision
    with a whole core.
  - cancel latency (when pattern=cancel ran): cancel() -> the waiter back,
    p50 to p99; rounds where the cancel came after the timer had fired are
    counted beside the point.
Cases whose status is not ok are red and named; cases with no sample are
named in the legend.
"""
from .. import contend_result as cr
from ..plot_style import BAD_COLOR, Line2D, fmt_ns, minmax_median, plt, reps, ticker

from . import common

RELATIVE = ("sleep_for", "timerfd_oneshot")  # re-armed with a delay: lateness accumulates
DODGE = 1.16


def draw(writer, scenario, rows, lost):
    return common.draw_figures(
        writer, scenario, common.parameter_sets(rows, lost, ("threads", "delay_us", "pattern")),
        figure)


def delay_ns(row):
    v = (row.get("params") or {}).get("delay_us")
    return v * 1000 if isinstance(v, int) else None


def pattern(row):
    return (row.get("params") or {}).get("pattern") or "periodic"


def lat(key, pk):
    """The latency percentile as a function of the row, for Panel.plot."""
    return lambda r: common.latency(r, key, pk)


class Panel:
    """One panel: per method and delay, a median marker, optionally a range
    line (low -> high value) and a dash (top value); medians joined across
    delays."""

    def __init__(self, writer, ax, rows, lost, prims):
        self.w, self.ax, self.rows, self.lost, self.prims = writer, ax, rows, lost, prims
        self.delays = sorted({delay_ns(r) for r in rows + lost if delay_ns(r)})
        self.values = []
        self.notes = []  # not-ok cases without a value (red)
        self.info = []  # legend handles that explain a missing point (not an error)
        self.any_bad = False

    def x(self, prim, d):
        i = self.prims.index(prim)
        return d * DODGE ** (i - (len(self.prims) - 1) / 2)

    def plot(self, mid, low=None, top=None, floor=None, fmt=fmt_ns):
        # With few delays the points are sparse: print each median beside it.
        labelled = len(self.delays) <= 2
        for p in self.prims:
            xs, ys = [], []
            style = self.w.style
            for d in self.delays:
                at = [r for r in self.rows if r.get("primitive") == p and delay_ns(r) == d]
                ok = [r for r in at if cr.is_ok(r)]
                x = self.x(p, d)
                m, _, _ = minmax_median(mid(r) for r in ok)
                if m is not None:
                    m = max(m, floor) if floor else m
                    xs.append(x)
                    ys.append(m)
                    self.values.append(m)
                    if labelled:
                        self.ax.annotate(fmt(m), (x, m), xytext=(5, -3), textcoords="offset points",
                                         fontsize=7.5, color="0.15", ha="left", va="top",
                                         zorder=6)
                    if low is not None:
                        lo, _, _ = minmax_median(low(r) for r in ok)
                        if lo is not None and lo != m:
                            self.ax.plot([x, x], [m, max(lo, floor) if floor else lo],
                                         color=style.color[p], lw=1.6, alpha=0.8, zorder=3)
                            self.values.append(lo)
                    if top is not None:
                        t, _, _ = minmax_median(top(r) for r in ok)
                        if t is not None and t > 0:
                            self.ax.plot([x], [t], marker="_", ms=9, mew=1.6,
                                         color=style.color[p], zorder=3)
                            self.values.append(t)
                self.mark_bad(p, d, x, [r for r in at if not cr.is_ok(r)], mid, floor)
            ls = "--" if p in RELATIVE else "-"
            self.ax.plot(xs, ys, color=style.color[p], ls=ls, lw=1.1, alpha=0.7, zorder=2)
            self.ax.plot(xs, ys, color=style.color[p], marker=style.marker[p], ms=6.5, ls="none",
                         zorder=4)

    def mark_bad(self, p, d, x, bad, value, floor):
        lost = [c for c in self.lost if c.get("primitive") == p and delay_ns(c) == d]
        if not bad and not lost:
            return
        self.any_bad = True
        vals = [v for v in (value(r) for r in bad) if v is not None and v > 0]
        text = "%s: %s" % (p, cr.not_ok_text(bad, lost).replace("\n", ", "))
        if vals:
            v = cr.median(vals)
            v = max(v, floor) if floor else v
            self.values.append(v)
            self.ax.plot([x], [v], marker="x", color=BAD_COLOR, ms=9, mew=2.2, zorder=6)
            self.ax.annotate(text, (x, v), xytext=(5, 5), textcoords="offset points",
                             fontsize=7.5, color=BAD_COLOR, zorder=7,
                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none",
                                       alpha=0.75))
        else:
            self.ax.plot([x], [0.03], transform=self.ax.get_xaxis_transform(), marker="x",
                         color=BAD_COLOR, ms=9, mew=2.2, clip_on=False, zorder=6)
            self.notes.append("%s at %s: no value" % (text, fmt_ns(d)))

    def finish(self, ylabel, title, yfmt=None):
        ax = self.ax
        ax.set_xscale("log")
        if self.delays:
            ax.set_xlim(self.delays[0] / 2.2, self.delays[-1] * 2.2)
        ax.set_xticks(self.delays)
        ax.xaxis.set_major_formatter(ticker.FixedFormatter([fmt_ns(d) for d in self.delays]))
        ax.xaxis.set_minor_locator(ticker.NullLocator())
        ax.set_xlabel("requested delay (period)")
        ax.set_yscale("log")
        vals = [v for v in self.values if v and v > 0]
        if vals:
            lo, hi = min(vals) / 2.5, max(vals) * 2.5
            if hi / lo < 100:
                mid = (lo * hi) ** 0.5
                lo, hi = mid / 10, mid * 10
            ax.set_ylim(lo, hi)
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(yfmt or (lambda v, _: fmt_ns(v))))
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3, lw=0.6)
        ax.set_title(title, fontsize=10)


def slack_line(ax, rows):
    slack = cr.median(cr.metric(r, "timer_slack_ns") for r in rows)
    if not slack:
        return None
    ax.axhline(slack, color="0.35", ls=":", lw=1.3, zorder=1)
    return Line2D([], [], color="0.35", ls=":", lw=1.3,
                  label="timer slack of the waiting thread (%s)" % fmt_ns(slack))


def cancel_notes(panel, rows):
    """Beside each point: rounds whose cancel came after the timer fired."""
    for p in panel.prims:
        for d in panel.delays:
            at = [r for r in rows if r.get("primitive") == p and delay_ns(r) == d and cr.is_ok(r)]
            late = sum(cr.metric(r, "fired_before_cancel") or 0 for r in at)
            total = sum(cr.metric(r, "rounds") or 0 for r in at)
            if not late:
                continue
            have = cr.median(lat("cancel_latency", "p50")(r) for r in at)
            x = panel.x(p, d)
            if have:
                panel.ax.annotate("%d/%d late" % (late, total), (x, have), xytext=(4, -9),
                                  textcoords="offset points", fontsize=7, color="0.3")
            else:
                panel.ax.plot([x], [0.05], transform=panel.ax.get_xaxis_transform(),
                              marker=panel.w.style.marker[p], mfc="white",
                              color=panel.w.style.color[p], ms=7, clip_on=False, zorder=5)
                panel.info.append(Line2D(
                    [], [], marker=panel.w.style.marker[p], mfc="white", ls="none",
                    color=panel.w.style.color[p],
                    label="%s at %s: the timer fired before the cancel landed\nin all %d "
                    "rounds (the canceller could not run in time)" % (p, fmt_ns(d), total)))


def figure(writer, scenario, params, srows, slost, base):
    periodic = [r for r in srows if pattern(r) == "periodic"]
    cancel = [r for r in srows if pattern(r) == "cancel"]
    p_lost = [c for c in slost if pattern(c) == "periodic"]
    c_lost = [c for c in slost if pattern(c) == "cancel"]
    prims = cr.primitives(periodic + p_lost)
    if cancel or c_lost:
        fig, axes = plt.subplots(2, 2, figsize=(15.5, 9.6), layout="constrained")
        ax_over, ax_drift, ax_cpu, ax_cancel = axes.flat
    else:
        fig, axes = plt.subplots(1, 3, figsize=(19, 5.4), layout="constrained")
        (ax_over, ax_drift, ax_cpu), ax_cancel = axes, None
    panels = []

    over = Panel(writer, ax_over, periodic, p_lost, prims)
    over.plot(lat("overshoot", "p50"), lat("overshoot", "p99"), lat("overshoot", "max"),
              floor=1.0)
    slack = slack_line(ax_over, periodic)
    over.finish("wake-up after the deadline (log)", "overshoot per tick: p50 \u2192 p99, "
                "dash = max (early = invalid)")
    panels.append(over)

    drift = Panel(writer, ax_drift, periodic, p_lost, prims)
    drift.plot(lambda r: cr.metric(r, "drift_ns"), floor=1.0)
    drift.finish("behind schedule at the end of the window (log)",
                 "periodic drift: last tick vs start + k\u00b7period (dashed: relative re-arm)")
    panels.append(drift)

    cpu = Panel(writer, ax_cpu, periodic, p_lost, prims)
    percent = lambda v, _=None: "%g %%" % float("%.2g" % (v * 100))  # noqa: E731
    cpu.plot(lambda r: cr.metric(r, "cpu_utilisation"), floor=1e-4, fmt=percent)
    cpu.finish("CPU time / wall time of the waiting thread (log)", "CPU burnt while waiting",
               yfmt=percent)
    ax_cpu.set_ylim(top=max(1.6, ax_cpu.get_ylim()[1]))
    ax_cpu.axhline(1.0, color="0.6", lw=0.8, zorder=1)
    panels.append(cpu)

    if ax_cancel is not None:
        cprims = cr.primitives(cancel + c_lost)
        canc = Panel(writer, ax_cancel, cancel, c_lost, cprims)
        canc.plot(lat("cancel_latency", "p50"), lat("cancel_latency", "p99"),
                  lat("cancel_latency", "max"), floor=1.0)
        cancel_notes(canc, cancel)
        canc.finish("cancel() \u2192 waiter running again (log)",
                    "cancel latency, cancelled halfway: p50 \u2192 p99, dash = max")
        panels.append(canc)
        prims = sorted(set(prims) | set(cprims))

    handles = [Line2D([], [], color=writer.style.color[p], marker=writer.style.marker[p],
                      ls="--" if p in RELATIVE else "-", label=p) for p in prims]
    handles.append(Line2D([], [], color="0.3", ls="--", label="dashed: re-armed with a relative "
                          "delay\n(lateness accumulates)"))
    handles.append(Line2D([], [], color="0.3", marker="o", ls="none",
                          label="marker: median of repetitions"))
    if slack is not None:
        handles.append(slack)
    notes = [n for pn in panels for n in pn.notes]
    handles += [h for pn in panels for h in pn.info]
    handles += writer.extras(any(pn.any_bad for pn in panels), False, notes)
    legend_ax = ax_drift if ax_cancel is not None else ax_cpu
    legend_ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                     borderaxespad=0.0)
    n = [r for r in periodic if cr.metric(r, "periods")]
    extra = "median of %d repetitions" % reps(srows)
    if n:
        extra += "; window %s" % fmt_ns(cr.median(cr.metric(r, "window_ns") for r in n))
    fig.suptitle(writer.title(scenario, "how late timers fire, drift, CPU, cancel", params, extra),
                 x=0.01, ha="left", fontsize=10.5)
    writer.save(fig, base, "timers")
