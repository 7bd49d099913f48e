"""problems.granularity: one lock or many?

One figure per combination of the parameters every strategy shares
(accounts, cs_ns, think_ns, audit_us; `lock` for the locking strategies,
atomic_accounts joining each), with three panels:

  - transfers/s vs threads per strategy (median, min-max band);
  - the same relative to global_lock at each thread count: below 1 a
    finer-grained table pays for its extra locks, above 1 it gains from
    parallelism;
  - bytes each strategy spends on locks (lock objects plus their padding),
    with the lock count and the whole table's size.

striped_locks at several `stripes` values gets one line per value. Cases
that are not ok are drawn in red and named, never dropped (plot_style).
"""
import matplotlib.colors as mcolors

from .. import contend_result as cr
from ..plot_style import (BAD_COLOR, BAND_LABEL, MARKERS, Line2D, band_handle, items_per_s, plt,
                        reps, ticker)

from . import common

STRIPED = "striped_locks"
ATOMIC = "atomic_accounts"
BASELINE = "global_lock"


def _label(row):
    p = row.get("primitive")
    if p == STRIPED:
        return "%s (%s)" % (p, (row.get("params") or {}).get("stripes"))
    return p


def _label_order(label):
    """Strategies from coarse to fine, stripe counts in numeric order."""
    rank = {"global_lock": 0, STRIPED: 1, "account_locks": 2, "account_locks_padded": 3,
            ATOMIC: 4}
    name, _, k = label.partition(" (")
    return rank.get(name, 5), int(k.rstrip(")")) if k else 0, label


def _stripe_styles(writer, labels):
    """striped_locks (k): shades of striped_locks' colour, lighter for fewer
    stripes, and a marker each, so several stripe counts stay apart."""
    base = mcolors.to_rgb(writer.style.color.get(STRIPED, "0.4"))
    order = sorted(labels, key=_label_order)
    n = len(order)
    for i, lab in enumerate(order):
        t = 0.0 if n == 1 else -0.45 + 0.9 * i / (n - 1)  # -: toward white, +: toward black
        target = (0, 0, 0) if t > 0 else (1, 1, 1)
        writer.style.color[lab] = tuple(c + abs(t) * (g - c) for c, g in zip(base, target))
        writer.style.marker[lab] = MARKERS[(MARKERS.index(
            writer.style.marker.get(STRIPED, "o")) + i) % len(MARKERS)]


def _figures(rows, lost):
    """[(params dict, rows, lost)]: the locking strategies' parameter sets
    (not threads, not stripes: those are lines), with the atomic rows of
    matching parameters (all but `lock`: they have none) joined to each."""
    return common.parameter_sets_joining(rows, lost, ("threads", "stripes"), "lock",
                                         lambda r: r.get("primitive") != ATOMIC)


def _relabelled(rows):
    """Rows whose `primitive` is the line label (striped_locks (16))."""
    return [dict(r, primitive=_label(r)) for r in rows]


def _fmt_bytes(n):
    for scale, unit in ((1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= scale:
            return "%g %s" % (float("%.3g" % (n / scale)), unit)
    return "%d B" % n


def _bytes_panel(writer, ax, srows, labels, bad_labels):
    entries = []
    for lab in labels:
        at = [r for r in srows if _label(r) == lab]
        lb = cr.median(cr.metric(r, "lock_bytes") for r in at)
        locks = cr.median(cr.metric(r, "locks") for r in at)
        table = cr.median(cr.metric(r, "table_bytes") for r in at)
        entries.append((lab, lb, locks, table))
    entries.sort(key=lambda e: (e[1] is None, e[1] or 0, e[0]))  # fewest bytes on top
    ys = range(len(entries))
    positive = [e[1] for e in entries if e[1]]
    floor = min(positive) / 4 if positive else 1
    for y, (lab, lb, locks, table) in zip(ys, entries):
        color = writer.style.color[lab]
        if lb:
            ax.barh(y, lb, 0.6, color=color, zorder=3)
        text = ("no locks" if not lb else "%s in %d lock%s" % (
            _fmt_bytes(lb), locks, "" if locks == 1 else "s")) if lb is not None else "no value"
        if table:
            text += "\ntable %s" % _fmt_bytes(table)
        ax.annotate(text, (max(lb or floor, floor), y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8, color="0.15")
    ax.set_xscale("log", base=2)
    if positive:
        ax.set_xlim(floor, max(positive) * 64)
    lo, hi = ax.get_xlim()
    # Ticks at powers of 16 from 16 B: round numbers in B, KiB and MiB.
    ax.xaxis.set_major_locator(ticker.FixedLocator(
        [16.0 ** k for k in range(1, 9) if lo <= 16.0 ** k <= hi]))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_yticks(list(ys), [e[0] for e in entries])
    for tick, (lab, *_rest) in zip(ax.get_yticklabels(), entries):
        if lab in bad_labels:
            tick.set_color(BAD_COLOR)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _fmt_bytes(v)))
    ax.set_xlabel("bytes spent on locks (objects + padding, log scale)")
    ax.grid(True, axis="x", alpha=0.3, lw=0.6)
    ax.set_title("memory: bytes on locks", fontsize=10)


def _relative(srows):
    """value(row): the row's throughput over global_lock's median at its thread count."""
    base = {}
    for t, at in cr.group_by([r for r in srows if r.get("primitive") == BASELINE
                              and cr.is_ok(r)], cr.threads_of).items():
        base[t] = cr.median(items_per_s(r) for r in at)

    def value(r):
        b = base.get(cr.threads_of(r))
        v = items_per_s(r)
        return v / b if b and v is not None else None
    return value


def _end_labels(ax, writer, rows, value):
    """Each line's value at the highest thread count, at its end."""
    ok = [r for r in rows if cr.is_ok(r)]
    if not ok:
        return
    tmax = max(cr.threads_of(r) for r in ok)
    ends = []
    for p in cr.primitives(ok):
        v = cr.median(value(r) for r in ok if r.get("primitive") == p
                      and cr.threads_of(r) == tmax)
        if v is not None:
            ends.append((v, p))
    common.end_labels(ax, writer, tmax, ends, lambda v, p: "x%.2f" % v, gap=0.06, fontsize=8.5)


def _uncontended_note(rows, relative):
    """What the extra locks cost where nobody contends: each strategy's
    ratio at the lowest thread count, as a second title line."""
    ok = [r for r in rows if cr.is_ok(r)]
    if not ok:
        return ""
    t0 = min(cr.threads_of(r) for r in ok)
    parts = []
    for p in sorted(cr.primitives(ok), key=_label_order):
        v = cr.median(relative(r) for r in ok if r.get("primitive") == p
                      and cr.threads_of(r) == t0)
        if v is not None and p != BASELINE:
            parts.append("%s x%.2f" % (p, v))
    return "\nat %d thread%s: %s" % (t0, "" if t0 == 1 else "s", ", ".join(parts)) if parts else ""


def _figure(writer, scenario, params, srows, slost, base_name):
    rows, lost = _relabelled(srows), _relabelled(slost)
    labels = cr.primitives(rows + lost)
    _stripe_styles(writer, [lab for lab in labels if lab.startswith(STRIPED)])
    fig = plt.figure(figsize=(15.5, 8.2), layout="constrained")
    grid = fig.add_gridspec(3, 2, width_ratios=(1.55, 1.0), height_ratios=(1.0, 1.0, 0.22))
    ax_abs = fig.add_subplot(grid[0, 0])
    ax_rel = fig.add_subplot(grid[1, 0], sharex=ax_abs)
    ax_mem = fig.add_subplot(grid[0:2, 1])
    ax_key = fig.add_subplot(grid[2, :])
    ax_key.axis("off")
    prims, bad1, shaded, notes1 = writer.line_panel(ax_abs, rows, lost, items_per_s,
                                                    "transfers/s")
    ax_abs.set_xlabel("")
    ax_abs.set_title("throughput", fontsize=10)
    if any(r.get("primitive") == BASELINE and cr.is_ok(r) for r in rows):
        relative = _relative(rows)
        top = max([v for v in map(relative, rows) if v is not None] + [1.0])
        _, bad2, _, notes2 = writer.line_panel(ax_rel, rows, lost, relative,
                                               "throughput / global_lock's",
                                               ylim=(0, top * 1.12), eng=False)
        ax_rel.axhline(1.0, color="0.2", ls="--", lw=1.0, zorder=1)
        _end_labels(ax_rel, writer, rows, relative)
        ax_rel.set_title("relative to one global lock (dashed: as fast as global_lock)" +
                         _uncontended_note(rows, relative), fontsize=10)
    else:
        bad2, notes2 = False, []
        ax_rel.text(0.5, 0.5, "no ok global_lock case to compare with", ha="center",
                    va="center", transform=ax_rel.transAxes, color=BAD_COLOR)
    bad_labels = {r.get("primitive") for r in rows + lost if not cr.is_ok(r)}
    _bytes_panel(writer, ax_mem, rows, labels, bad_labels)

    shown = dict(params)
    stripes = sorted({(r.get("params") or {}).get("stripes") for r in srows
                      if r.get("primitive") == STRIPED})
    if stripes:
        shown["stripes"] = ",".join(str(k) for k in stripes)
    fig.suptitle(writer.title(scenario, "one lock or many?", shown,
                              "median of %d repetitions" % reps(srows)),
                 x=0.01, ha="left", fontsize=10.5)
    prims = sorted(prims, key=_label_order)
    handles = [Line2D([], [], color=writer.style.color[p], marker=writer.style.marker[p])
               for p in prims]
    names = list(prims)
    handles.append(band_handle())
    names.append(BAND_LABEL)
    extras = writer.extras(bad1 or bad2, shaded, notes1 + notes2)
    handles += extras
    names += [h.get_label() for h in extras]
    ax_key.legend(handles=handles, labels=names, loc="center", ncols=min(4, len(names)),
                  frameon=False)
    writer.save(fig, base_name, "granularity")


def draw(writer, scenario, rows, lost):
    return common.draw_figures(writer, scenario, _figures(rows, lost), _figure)
