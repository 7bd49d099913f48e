"""The figure history.py draws for one series: a case's figure across runs.

Median per run with its min-max band (the spread of the repetitions), the
level of each segment between detected changes, a dashed line at each change
with its size, and a red x for runs where the case was not ok. Runs are
equally spaced and labelled by date and git revision: the order is what
matters, not the calendar. Importing this module starts matplotlib in
plot_style's look.
"""
import os

from . import contend_result as cr
from .plot_style import BAD_COLOR, BAND_ALPHA, DPI, Line2D, Patch, plt, ticker

LINE = "#1f77b4"
LEVEL = "0.25"


def _fmt(v, unit):
    if unit == "ops/s":
        return ticker.EngFormatter(unit="/s", sep=" ")(v)
    if unit == "ns":
        return ticker.EngFormatter(unit="s", sep=" ")(v * 1e-9)
    return "%.3f" % v


def plot_series(series, runs, out_dir, used_names):
    """Write PNG and SVG of one series; returns the two paths."""
    pts = [p for p in series["points"] if p["median"] is not None]
    bad = [p for p in series["points"] if p["status"] != "ok"]
    n_runs = len(runs)
    fig, ax = plt.subplots(figsize=(max(8.0, min(16.0, 4.0 + 0.35 * n_runs)), 4.6),
                           layout="constrained")
    xs = [p["run"] for p in pts]
    ax.fill_between(xs, [p["min"] for p in pts], [p["max"] for p in pts], color=LINE,
                    alpha=BAND_ALPHA, lw=0, zorder=2)
    ax.plot(xs, [p["median"] for p in pts], color=LINE, marker="o", ms=4, lw=1.6, zorder=3)
    handles = [(Patch(facecolor=LINE, alpha=BAND_ALPHA * 1.5, edgecolor="none"),
                Line2D([], [], color=LINE, marker="o", ms=4, lw=1.6))]
    labels = ["median; band: min to max of repetitions"]
    # Segment levels between the changes (indices are into the valid points).
    cuts = [c["index"] for c in series["changes"]]
    bounds = [0] + cuts + [len(pts)]
    levels = series.get("levels") or []
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        if i < len(levels) and b > a:
            x0 = xs[a] - 0.4 if a == 0 else (xs[a - 1] + xs[a]) / 2
            x1 = xs[b - 1] + 0.4 if b == len(pts) else (xs[b - 1] + xs[b]) / 2
            ax.hlines(levels[i], x0, x1, colors=LEVEL, lw=2.2, zorder=4)
    if levels:
        handles.append(Line2D([], [], color=LEVEL, lw=2.2))
        labels.append("level: median of the runs in a segment")
    for c in series["changes"]:
        x = (xs[c["index"] - 1] + xs[c["index"]]) / 2
        ax.axvline(x, color=BAD_COLOR if c["direction"] == "worse" else "#2ca02c", ls="--",
                   lw=1.3, zorder=5)
        ax.annotate("%+.1f%%\np=%.2g" % (100 * c["shift"], c["p"]), (x, 1.0),
                    xycoords=ax.get_xaxis_transform(), xytext=(4, -4),
                    textcoords="offset points", ha="left", va="top", fontsize=8)
    if series["changes"]:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=1.3))
        labels.append("level change (red: worse, green: better)")
    for p in bad:
        ax.plot([p["run"]], [0.03], transform=ax.get_xaxis_transform(), marker="x",
                color=BAD_COLOR, ms=8, mew=2, clip_on=False, zorder=6)
    if bad:
        handles.append(Line2D([], [], color=BAD_COLOR, marker="x", ls="none", ms=8, mew=2))
        labels.append("status not ok (%s)" % ", ".join(sorted({p["status"] for p in bad})))
    ax.set_xlim(-0.6, n_runs - 0.4)
    step = max(1, -(-n_runs // 24))
    ax.set_xticks(range(0, n_runs, step))
    ax.set_xticklabels([runs[i]["label"] for i in range(0, n_runs, step)], rotation=35,
                       ha="right", fontsize=8)
    ax.set_xlabel("run (ordered by %s)" % series["order"])
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _fmt(v, series["unit"])))
    ax.set_ylabel(series["label"])
    ax.grid(True, alpha=0.3, lw=0.6)
    ax.set_title("%s\n%s across %d runs" % (series["case"], series["label"], n_runs),
                 loc="left")
    ax.legend(handles=handles, labels=labels, frameon=False, loc="upper left",
              bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    stem = base = "%s__%s" % (cr.slug(series["case"], 120), series["figure"])
    n = 2
    while stem in used_names:
        stem = "%s-%d" % (base, n)
        n += 1
    used_names.add(stem)
    out = []
    for ext in ("png", "svg"):
        path = os.path.join(out_dir, "%s.%s" % (stem, ext))
        fig.savefig(path, dpi=DPI, bbox_inches="tight",
                    metadata={"Date": None} if ext == "svg" else None)
        out.append(path)
    plt.close(fig)
    return out
