"""The dashboard's one HTML file: uPlot (script and style) inlined, the
model as one compact JSON blob, the page's own script and style
(dashboard_page.js, dashboard_page.css) read beside this file.

The blob, in a <script type="application/json" id="data"> tag:
  {"v": 1, "x": "date"|"revision", "revUrl": "...{rev}..." or null,
   "generated": ISO date, "store": where it came from,
   "figures": [[key, label, unit, higher_is_better 0/1], ...],
   "scenarios": [...], "primitives": [...], "params": [...],   (name tables)
   "machines": [{"id", "name", "t": [epoch s per run], "rev": [...],
                 "label": [...], "run": [store run id, ...]}, ...],
   "series": [[machine, scenario, params, primitive, figure (indices),
               median[], min[], max[] (per run of the machine, null where
               missing), changes [[run, before, after, shift, p, dir], ...],
               verdict [code -1/1/0, latest, base, rel, since run or -1, run]],
              ...]}
Numbers keep 4 significant digits, in their shortest text: at 1,000 runs x
300 cases a figure is ~1 M numbers, and this is most of the page's size.
"""
import datetime
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.dirname(HERE)
WEB_ENV = "CONTEND_WEB_DIR"
UPLOT_JS, UPLOT_CSS = "uPlot.iife.min.js", "uPlot.min.css"
MISSING = "uPlot not found: run scripts/setup.sh (it fetches it from npm)"


def web_dirs():
    """Where uPlot may be: $CONTEND_WEB_DIR alone when it is set; else the
    source tree's build/web (scripts/fetch-web-deps.sh), then an installed
    contend's share/contend/web (beside share/contend/scripts)."""
    if os.environ.get(WEB_ENV):
        return [os.environ[WEB_ENV]]
    return [os.path.join(os.path.dirname(SCRIPTS), "build", "web"),
            os.path.join(os.path.dirname(SCRIPTS), "web")]


def find_uplot():
    """(js text, css text), or None. A folder may hold npm's layout
    (node_modules/uplot/dist/) or the two files themselves."""
    for d in web_dirs():
        for sub in (os.path.join("node_modules", "uplot", "dist"), "dist", ""):
            js, css = (os.path.join(d, sub, n) for n in (UPLOT_JS, UPLOT_CSS))
            if os.path.isfile(js) and os.path.isfile(css):
                with open(js, encoding="utf-8") as f, open(css, encoding="utf-8") as g:
                    return f.read(), g.read()
    return None


def num(v):
    """v to 4 significant digits, shortest text; null for missing."""
    if v is None or not math.isfinite(v):
        return "null"
    s = "%.4g" % v
    if "e" in s:
        mant, exp = s.split("e")
        e = int(exp)
        s = "%se%d" % (mant, e)
        if 0 < e < 16:
            whole = "%d" % round(float(s))
            if len(whole) <= len(s):
                s = whole
    return s


def _nums(values):
    return "[" + ",".join([num(v) for v in values]) + "]"


class Names:
    """A name table: each name's index, in first-seen order."""

    def __init__(self):
        self.names, self.index = [], {}

    def __call__(self, name):
        i = self.index.get(name)
        if i is None:
            i = self.index[name] = len(self.names)
            self.names.append(name)
        return i


def blob(model, figures, x, rev_url, store_shown):
    """The model as the page's JSON text (safe inside a <script> element)."""
    fig_index = {f.key: i for i, f in enumerate(figures)}
    scen, prim, params = Names(), Names(), Names()
    parts = []
    for s in sorted(model["series"], key=lambda s: (s["machine"], s["scenario"], s["params"],
                                                    s["primitive"], fig_index[s["figure"]])):
        changes = "[" + ",".join(
            "[%d,%s,%s,%s,%s,%d]" % (c["run"], num(c["before"]), num(c["after"]),
                                     num(c["shift"]), num(c["p"]),
                                     -1 if c["direction"] == "worse" else 1)
            for c in s["changes"]) + "]"
        v = s["verdict"]
        verdict = "[%d,%s,%s,%s,%d,%d]" % (v["code"], num(v["latest"]), num(v["base"]),
                                           num(v["rel"]), -1 if v["since"] is None
                                           else v["since"], v["run"])
        parts.append("[%d,%d,%d,%d,%d,%s,%s,%s,%s,%s]" % (
            s["machine"], scen(s["scenario"]), params(s["params"]), prim(s["primitive"]),
            fig_index[s["figure"]], _nums(s["med"]), _nums(s["lo"]), _nums(s["hi"]), changes,
            verdict))
    machines = [{"id": m["id"], "name": m["name"], "t": [r["t"] for r in m["runs"]],
                 "rev": [r["rev"] for r in m["runs"]], "label": [r["label"] for r in m["runs"]],
                 "run": [r["id"] for r in m["runs"]]} for m in model["machines"]]
    head = {"v": 1, "x": x, "revUrl": rev_url, "store": store_shown,
            "generated": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC"),
            "settings": {"alpha": model["alpha"], "min_shift": model["min_shift"],
                         "min_segment": model["min_segment"],
                         "permutations": model["permutations"]},
            "figures": [[f.key, f.label, f.unit, int(f.higher_is_better)] for f in figures],
            "scenarios": scen.names, "primitives": prim.names, "params": params.names,
            "machines": machines}
    text = json.dumps(head, separators=(",", ":"))[:-1] + ',"series":[' + ",".join(parts) + "]}"
    # Inside <script>, "</script" or "<!--" would end or confuse the element:
    # no "<" is left outside strings, and in strings \u003c reads the same.
    return text.replace("<", "\\u003c")


def _read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def page(model, figures, x, rev_url, store_shown, uplot):
    js, css = uplot
    return "".join([
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>contend trends</title>\n<style>\n", css, "\n</style>\n<style>\n",
        _read("dashboard_page.css"), "</style>\n</head>\n<body>\n",
        '<header><h1>contend trends</h1><p id="summary"></p></header>\n'
        '<form id="filters" onsubmit="return false">\n'
        '<label>machine <select id="f-machine"></select></label>\n'
        '<label>scenario <select id="f-scenario"></select></label>\n'
        '<label>figure <select id="f-figure"></select></label>\n'
        '<label>parameters <select id="f-params"></select></label>\n'
        '<label>x <select id="f-x"><option value="date">run date</option>'
        '<option value="revision">revision</option></select></label>\n'
        '<label><input type="checkbox" id="f-log"> log scale</label>\n'
        '<fieldset id="f-primitives"><legend>primitives '
        '<button type="button" id="f-all">all</button> '
        '<button type="button" id="f-none">none</button></legend></fieldset>\n'
        "</form>\n<main id=\"charts\"></main>\n"
        '<section id="verdict-section"><h2>Latest verdicts</h2>\n'
        '<p class="note" id="verdict-note"></p>\n'
        '<table id="verdicts"><thead><tr><th>verdict</th><th>scenario</th>'
        "<th>parameters</th><th>primitive</th><th>latest</th><th>level before</th>"
        "<th>change</th><th>since</th></tr></thead><tbody></tbody></table></section>\n"
        '<script type="application/json" id="data">',
        blob(model, figures, x, rev_url, store_shown),
        "</script>\n<script>\n", js.replace("</script", "<\\/script"),
        "\n</script>\n<script>\n", _read("dashboard_page.js"), "</script>\n</body>\n</html>\n"])
