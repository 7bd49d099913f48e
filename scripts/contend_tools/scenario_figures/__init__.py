"""Figure plugins: every figure plot.py (and the report) draws comes from one.

A plugin is a module here that defines

    draw(writer, scenario, rows, lost) -> bool

where `writer` is plot_figures.Figures (a plot_style.FigureWriter: colours,
titles, thread axis, legends, save(fig, base, kind) that writes PNG + SVG and
records the path), `rows` the scenario's iteration samples (every status) and
`lost` the ledger entries of its cases that produced no sample. It returns
True when it drew the scenario, False when the rows are not its kind.

Two sorts, one interface:
- a scenario plugin is named after its scenario (dots become underscores:
  threads.timers -> threads_timers.py) and answers that scenario's question;
- a kind plugin (kind_*.py) draws any scenario whose rows have its shape:
  kind_paced (an offered rate), kind_queues (producers x consumers, or a
  cache-line floor), kind_generic (anything with a thread count).

plugins_for(scenario) is the order they are tried in: the scenario's own,
then the kinds, paced first (its rows have producers and consumers too),
generic last. What the modules share (one figure per parameter set, file
names, bars, red marks, log axes) is in common.py.
"""
import importlib
import importlib.util

KINDS = ("kind_paced", "kind_queues", "kind_generic")


def module_for(scenario):
    """The scenario plugin of `scenario`, or None when it has none."""
    name = __name__ + "." + scenario.replace(".", "_").replace("-", "_")
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def plugins_for(scenario):
    """The plugins to try for `scenario`, in order."""
    own = module_for(scenario)
    kinds = [importlib.import_module(__name__ + "." + k) for k in KINDS]
    return ([own] if own is not None else []) + kinds
