"""Figures for scenarios whose question the generic figures cannot answer.

A module here named after a scenario (dots become underscores:
threads.timers -> threads_timers.py) takes over that scenario's figures. It
defines

    draw(writer, scenario, rows, lost) -> bool

where `writer` is plot_figures.Figures (a plot_style.FigureWriter: colours,
titles, thread axis, legends, save(fig, base, kind) that writes PNG + SVG and
records the path), `rows` the scenario's iteration samples (every status) and
`lost` the ledger entries of its cases that produced no sample. It returns
True when it drew the scenario (the generic figures are then skipped) and
False to fall back to them. What the modules share (one figure per parameter
set, file names, bars, red marks, log axes) is in common.py.
"""
import importlib
import importlib.util


def module_for(scenario):
    """The figure module of `scenario`, or None when it has none."""
    name = __name__ + "." + scenario.replace(".", "_").replace("-", "_")
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)
