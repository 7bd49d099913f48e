"""problems.gil: does a global interpreter lock stop threads from scaling?

One figure per combination of the parameters other than threads (and
io_pct, which only the _io primitives take: the CPU-bound lines join every
io_pct figure). Two panels:

  - work units/s vs threads for CPU-bound and I/O-bound tasks, under the GIL
    (solid) and without it (dashed);
  - speedup over the same primitive's throughput at 1 thread (the lowest
    thread count measured, if 1 is missing), with the ideal (speedup =
    threads) and the CPU count drawn in; each line's speedup at the highest
    thread count is written at its end.

The title states what the run shows at the highest thread count, e.g.
"CPU-bound: x1.0 under the GIL (x1.9 without); I/O-bound: x3.7 (x3.9)".
Not-ok cases are drawn in red and named, never dropped (plot_style).
"""
from .. import contend_result as cr
from ..plot_style import BAD_COLOR, BAND_LABEL, Line2D, band_handle, items_per_s, plt, reps

from . import common

ORDER = ("gil_cpu", "no_gil_cpu", "gil_io", "no_gil_io")


def _io_bound(row):
    return str(row.get("primitive", "")).endswith("_io")


def _figures(rows, lost):
    """[(params, rows, lost)]: one per I/O-bound parameter set, the CPU-bound
    rows with the same other parameters joined to each."""
    return common.parameter_sets_joining(rows, lost, ("threads",), "io_pct", _io_bound)


def _speedup(srows):
    """value(row) = throughput / the primitive's median at its lowest thread count."""
    base = {}
    for p, prow in cr.group_by([r for r in srows if cr.is_ok(r)],
                               lambda r: r.get("primitive")).items():
        t0 = min(cr.threads_of(r) for r in prow)
        base[p] = cr.median(items_per_s(r) for r in prow if cr.threads_of(r) == t0)

    def value(r):
        b = base.get(r.get("primitive"))
        v = items_per_s(r)
        return v / b if b and v is not None else None
    return value, base


def _at(srows, prim, t, value):
    return cr.median(value(r) for r in srows
                     if r.get("primitive") == prim and cr.threads_of(r) == t and cr.is_ok(r))


def _style_lines(ax):
    """Without the GIL: dashed, so that colour pairs read as 'same work'."""
    for line in ax.lines:
        if str(line.get_label()).startswith("no_gil"):
            line.set_linestyle("--")


SCALES = 1.4  # a speedup above this at >= 2 threads counts as scaling


def _verdict(srows, value, tmax):
    """Two lines: the speedups at the highest thread count, then what they
    say, judged from the data (a run on a machine with no spare CPU says so
    instead of blaming the GIL)."""
    sp = {p: _at(srows, p, tmax, value) for p in ORDER}

    def fmt(p):
        return "n/a" if sp[p] is None else "x%.1f" % sp[p]
    parts, says = [], []
    if sp["gil_cpu"] is not None or sp["no_gil_cpu"] is not None:
        parts.append("CPU-bound %s under the GIL (%s without)" % (fmt("gil_cpu"),
                                                                 fmt("no_gil_cpu")))
        if sp["no_gil_cpu"] is not None and sp["no_gil_cpu"] < SCALES:
            says.append("CPU-bound work did not scale even without the GIL (no spare CPU?)")
        elif sp["gil_cpu"] is not None:
            says.append("the GIL stops CPU-bound threads from scaling"
                        if sp["gil_cpu"] < SCALES else "CPU-bound threads scaled under the GIL")
    if sp["gil_io"] is not None or sp["no_gil_io"] is not None:
        parts.append("I/O-bound %s (%s without)" % (fmt("gil_io"), fmt("no_gil_io")))
        if sp["gil_io"] is not None:
            says.append("I/O-bound threads still scale under it" if sp["gil_io"] >= SCALES
                        else "I/O-bound threads did not scale under it")
    if tmax < 2:
        return "speedup: only 1 thread measured"
    return "speedup at %d threads: %s\n%s" % (tmax, "; ".join(parts), "; ".join(says))


def _end_labels(ax, writer, srows, prims, value, tmax):
    """Each line's speedup at the highest thread count, at its end."""
    def text(v, p):
        return "%s x%.1f" % ("no GIL" if p.startswith("no_gil") else "GIL", v)
    ends = [(_at(srows, p, tmax, value), p) for p in prims
            if _at(srows, p, tmax, value) is not None]
    common.end_labels(ax, writer, tmax, ends, text, gap=0.045, fontsize=9)


def _pair_colours(writer):
    """The same work in the same colour, with and without the GIL (the
    dashes tell them apart): CPU-bound blue, I/O-bound orange."""
    for prim, colour in (("gil_cpu", "#1f77b4"), ("no_gil_cpu", "#1f77b4"),
                         ("gil_io", "#ff7f0e"), ("no_gil_io", "#ff7f0e")):
        if prim in writer.style.color:
            writer.style.color[prim] = colour


def _figure(writer, scenario, params, srows, slost, base_name):
    _pair_colours(writer)
    fig = plt.figure(figsize=(14.5, 6.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 0.2))
    ax_abs, ax_sp = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax_key = fig.add_subplot(grid[1, :])
    ax_key.axis("off")
    prims, bad1, shaded, notes1 = writer.line_panel(
        ax_abs, srows, slost, items_per_s,
        "work units/s (1 unit = %s ns of CPU work)" % params.get("unit_ns", "?"))
    ax_abs.set_title("throughput", fontsize=10)
    value, base = _speedup(srows)
    _, bad2, _, notes2 = writer.line_panel(ax_sp, srows, slost, value,
                                           "speedup over 1 thread", eng=False)
    threads = sorted({cr.threads_of(r) for r in srows + slost})
    tmax = max(cr.threads_of(r) for r in srows)
    lo, hi = ax_sp.get_xlim()
    ax_sp.plot([lo, hi], [lo, hi], color="0.35", ls=":", lw=1.1, zorder=1)
    if writer.num_cpus:
        ax_sp.axhline(writer.num_cpus, color="0.35", ls="-.", lw=1.0, zorder=1)
    ax_sp.set_xlim(lo, hi)
    ax_sp.set_ylim(0, max(ax_sp.get_ylim()[1], min(tmax, (writer.num_cpus or tmax)) * 1.15))
    for ax in (ax_abs, ax_sp):
        _style_lines(ax)
    _end_labels(ax_sp, writer, srows, prims, value, tmax)
    ax_sp.set_title(_verdict(srows, value, tmax), fontsize=10)
    if min(threads) != 1:
        ax_sp.set_ylabel("speedup over %d threads" % min(threads))

    prims = [p for p in ORDER if p in prims] + [p for p in prims if p not in ORDER]
    handles = [Line2D([], [], color=writer.style.color[p], marker=writer.style.marker[p],
                      ls="--" if p.startswith("no_gil") else "-") for p in prims]
    names = ["%s: %s" % (p, "CPU-bound" if p.endswith("_cpu") else
                         "I/O-bound, %s%% blocked" % params.get("io_pct", "?")) for p in prims]
    handles.append(band_handle())
    names.append(BAND_LABEL)
    handles.append(Line2D([], [], color="0.35", ls=":", lw=1.1))
    names.append("ideal: speedup = threads")
    if writer.num_cpus:
        handles.append(Line2D([], [], color="0.35", ls="-.", lw=1.0))
        names.append("CPUs (%d): the most CPU-bound work can gain" % writer.num_cpus)
    extras = writer.extras(bad1 or bad2, shaded, notes1 + notes2)
    handles += extras
    names += [h.get_label() for h in extras]
    ax_key.legend(handles=handles, labels=names, frameon=False, loc="center", ncols=3,
                  handlelength=2.2)
    missing = [p for p in prims if p not in base]
    if missing:
        ax_sp.text(0.02, 0.97, "no ok baseline for: " + ", ".join(missing),
                   transform=ax_sp.transAxes, va="top", fontsize=8, color=BAD_COLOR)
    fig.suptitle(writer.title(scenario, "a global interpreter lock: who scales?", params,
                              "median of %d repetitions" % reps(srows)),
                 x=0.01, ha="left", fontsize=10.5)
    writer.save(fig, base_name, "gil")


def draw(writer, scenario, rows, lost):
    return common.draw_figures(writer, scenario, _figures(rows, lost), _figure)
