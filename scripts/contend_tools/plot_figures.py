"""The figures plot.py draws for one contend result file.

Figures.run() walks every scenario and hands its rows to the figure
plugins of scenario_figures/, in the order plugins_for() gives: the
scenario's own module if it has one, then the kind plugins (paced queues,
queue shapes, and the generic figures over threads). The first that draws
them wins. It returns the paths written. The look shared by all of them is
plot_style's. Importing this module starts matplotlib (through plot_style).
"""
from . import contend_result as cr
from . import scenario_figures
from .plot_style import FigureWriter, Style


class Figures(FigureWriter):
    """Every figure of one result file; run() draws them and returns the paths."""

    def __init__(self, doc, out_dir):
        self.rows = [r for r in cr.samples(doc) if isinstance(cr.threads_of(r), int)]
        sampled = {r.get("name") for r in self.rows}
        # Cases that never produced a sample exist only in the ledger. A
        # queue case has no thread count there, only producers and consumers.
        self.lost = [c for c in doc.get("cases", []) or []
                     if isinstance(c, dict) and c.get("status") != "ok"
                     and c.get("name") not in sampled]
        super().__init__(doc.get("context") or {}, out_dir,
                         [r.get("primitive") for r in self.rows + self.lost
                          if r.get("primitive") is not None])

    def run(self):
        lost = cr.by_scenario(self.lost)
        for scenario, rows in cr.by_scenario(self.rows).items():
            # Colours are stable per scenario, not per file: a default run
            # holds some 70 primitives, and no palette keeps that many apart,
            # while one figure shows one scenario's primitives only.
            self.style = Style([r.get("primitive") for r in rows + lost.get(scenario, [])
                                if r.get("primitive") is not None])
            for plugin in scenario_figures.plugins_for(scenario):
                if plugin.draw(self, scenario, rows, lost.get(scenario, [])):
                    break
        return self.written
