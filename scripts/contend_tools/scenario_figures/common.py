"""What the scenario figure modules share: splitting a scenario's rows into
one figure per parameter set, naming the files, and the panel pieces that
more than one module draws (log axes, median bars with whiskers, red marks,
labels at the end of lines, notes under a figure).

Not a scenario's module itself: no scenario is named `common`.
"""
import textwrap

import matplotlib.transforms as transforms

from .. import contend_result as cr
from ..plot_style import BAD_COLOR, OVERSUB_COLOR, minmax_median, ticker


# --- one figure per parameter set -------------------------------------------

def _split(members):
    """(samples, lost cases): ledger entries of cases with no sample have no run_type."""
    return ([r for r in members if r.get("run_type") == "iteration"],
            [c for c in members if c.get("run_type") != "iteration"])


def parameter_sets(rows, lost, exclude=("threads",)):
    """[(params, samples, lost cases)], one per combination of the parameters
    not in `exclude` (contend_result.parameter_sets: the axes of a figure are
    not fixed parameters)."""
    return [(params,) + _split(members)
            for params, members in cr.parameter_sets(rows + lost, exclude)]


def parameter_sets_joining(rows, lost, exclude, param, takes_param):
    """[(params, samples, lost cases)], one per combination of the parameters
    not in `exclude` of the rows that take `param` (takes_param(row)); each
    row that does not take it (whatever value it carries) joins every set
    whose other parameters match, so that it is compared with all of them.
    Where no row takes `param`, one set per combination of the rest."""
    def key(row):
        skip = set(exclude) | (set() if takes_param(row) else {param})
        return tuple(sorted((k, v) for k, v in (row.get("params") or {}).items()
                            if k not in skip))
    everything = rows + lost
    keys = dict.fromkeys(key(r) for r in everything if takes_param(r)) or \
        dict.fromkeys(key(r) for r in everything)
    out = []
    for k in keys:
        params = dict(k)
        rest = {a: b for a, b in k if a != param}

        def member(r):
            return dict(key(r)) == (params if takes_param(r) else rest)
        out.append((params, [r for r in rows if member(r)], [c for c in lost if member(c)]))
    return out


def figure_base(scenario, params):
    """The file name of a scenario's figure for one parameter set, less its kind."""
    return "%s__%s" % (cr.slug(scenario), cr.params_slug(params))


def draw_figures(writer, scenario, sets, figure, without_samples=False):
    """figure(writer, scenario, params, samples, lost, base) for every
    (params, samples, lost) of `sets` that has a sample (every one with
    without_samples: a set whose cases all failed still gets its figure).
    Returns whether it drew one (False: plot.py falls back to the generic
    figures)."""
    drew = False
    for params, srows, slost in sets:
        if srows or without_samples:
            figure(writer, scenario, params, srows, slost, figure_base(scenario, params))
            drew = True
    return drew


# --- values -------------------------------------------------------------------

def latency(row, kind, pct):
    """One percentile (p50, p99, max...) of one latency kind of a row, or None."""
    return cr.finite(((row.get("latency") or {}).get(kind) or {}).get(pct))


# --- panel pieces -----------------------------------------------------------

def log_axis(ax, values):
    """Log y over the values (None skipped), at least a decade tall."""
    vals = [v for v in values if v and v > 0]
    ax.set_yscale("log")
    if vals:
        lo, hi = min(vals) / 1.6, max(vals) * 1.6
        if hi / lo < 10:
            mid = (lo * hi) ** 0.5
            lo, hi = mid / 10 ** 0.5, mid * 10 ** 0.5
        ax.set_ylim(lo, hi)
        if hi / lo < 1e4:  # few decades: label the 2 and 5 steps too
            ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())


def median_bar(ax, x, values, color, ok, width=0.7):
    """A median bar with a min..max whisker; hatched red-edged when not ok.
    Returns the median (None: nothing drawn)."""
    m, lo, hi = minmax_median(values)
    if m is None:
        return None
    if ok:
        ax.bar(x, m, width, color=color, zorder=3)
    else:
        ax.bar(x, m, width, color=color, alpha=0.35, hatch="//", edgecolor=BAD_COLOR,
               zorder=3)
    if hi > lo:
        ax.errorbar([x], [m], yerr=[[m - lo], [hi - m]], fmt="none", ecolor="0.15",
                    elinewidth=0.9, capsize=2.5, zorder=4)
    return m


def status_above(ax, x, y, status):
    """A not-ok case's status, in red, just above its bar."""
    ax.annotate(status, (x, y), xytext=(0, 3), textcoords="offset points", ha="center",
                fontsize=8, color=BAD_COLOR, zorder=6)


def wait_bars(ax, x, rows, kind, waits, color, ok, width=0.26):
    """Three bars side by side around x, one per (percentile, label, alpha,
    hatch) of `waits`: the median over `rows` of that percentile of latency
    `kind`, whiskers min..max; faded and red-edged when not ok. Returns the
    highest whisker top (None: no bar drawn)."""
    top = None
    for j, (pct, _, alpha, hatch) in enumerate(waits):
        m, lo, hi = minmax_median(v for v in (latency(r, kind, pct) for r in rows) if v)
        if m is None:
            continue
        xx = x + (j - 1) * width
        kw = dict(color=color, alpha=alpha if ok else 0.3, hatch=hatch, zorder=3)
        if not ok:
            kw["edgecolor"] = BAD_COLOR
        ax.bar(xx, m, width * 0.92, **kw)
        if hi > lo:
            ax.errorbar([xx], [m], yerr=[[m - lo], [hi - m]], fmt="none", ecolor="0.15",
                        elinewidth=0.8, capsize=2, zorder=4)
        top = max(top or 0, hi)
    return top


def floor_x(ax, x, text=None):
    """A red X on the floor of the panel at x (a case with no value), with
    `text` above it."""
    ax.plot([x], [0.03], transform=ax.get_xaxis_transform(), marker="x", color=BAD_COLOR,
            ms=10, mew=2.4, clip_on=False, zorder=6)
    if text:
        ax.text(x, 0.08, text, transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                fontsize=7.5, color=BAD_COLOR, zorder=6, linespacing=1.15,
                bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))


def end_labels(ax, writer, x, ends, text_of, gap, fontsize):
    """At x, right of each line's end, text_of(value, primitive) for each
    (value, primitive) of `ends`, in the primitive's colour; from the lowest
    up, each at least `gap` (a share of the y span) above the one below, so
    that close values stay readable."""
    lo, hi = ax.get_ylim()
    right_of = transforms.offset_copy(ax.transData, fig=ax.figure, x=7, y=0, units="points")
    last = None
    for v, p in sorted(ends):
        y = v if last is None else max(v, last + (hi - lo) * gap)
        last = y
        ax.text(x, y, text_of(v, p), transform=right_of, va="center", ha="left",
                fontsize=fontsize, fontweight="bold", color=writer.style.color[p],
                bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.7))


# --- figures of one bar per primitive ---------------------------------------

def finish_bar_figure(writer, fig, axes, names, rows, threads, scenario, what, params):
    """The frame of a figure with one bar (or group) per name in every panel:
    the names under the bars, a grid, the panels shaded when `threads` (the
    run's thread count) is more than the CPUs, and the title. Returns whether
    it was oversubscribed."""
    over = bool(writer.num_cpus and isinstance(threads, int) and threads > writer.num_cpus)
    for ax in axes:
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=20, ha="right")
        ax.set_xlim(-0.6, len(names) - 0.4)
        ax.grid(True, axis="y", alpha=0.3, lw=0.6)
        if over:
            ax.set_facecolor(OVERSUB_COLOR)
    n_reps = max([r.get("repetitions") or 1 for r in rows] or [1])
    extra = "median of %d repetitions; whiskers min..max" % n_reps
    if over:
        extra += "; %d threads on %d CPUs: oversubscribed" % (threads, writer.num_cpus)
    fig.suptitle(writer.title(scenario, what, params, extra), x=0.01, ha="left", fontsize=10.5)
    return over


def notes_below(fig, notes):
    """The not-ok cases' one-line details, in red under the panels."""
    if notes:
        text = "\n".join(textwrap.fill(n, 190, subsequent_indent="    ") for n in notes)
        fig.text(0.01, -0.01, text, ha="left", va="top", fontsize=8, color=BAD_COLOR)
