#!/usr/bin/python3
"""Tests of scripts/report.py (one self-contained HTML page) and
scripts/export_csv.py (one CSV row per sample).

    /usr/bin/python3 tests/test_report.py [unittest options]

CONTEND_RESULT names a real result (the CTest fixture e2e_result sets it);
the tests that need it are skipped, saying so, without it. The rendering
test needs Debian's `chromium` and is skipped, saying so, where it is not
installed.
"""
import csv
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import SCRIPTS, ToolCase, real_result  # noqa: E402
from synthetic_results import LEVELS, context, scale_throughput, synthetic_result  # noqa: E402

REPORT = os.path.join(SCRIPTS, "report.py")
EXPORT = os.path.join(SCRIPTS, "export_csv.py")
EVIL = '<img src=x onerror="alert(1)">&amp;'


class Page(html.parser.HTMLParser):
    """What the checks need from a page: tags, ids, references, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.refs, self.text = [], [], [], []
        self.h2 = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k == "id":
                self.ids.append(v)
            if k in ("src", "href", "xlink:href", "action", "poster", "data") and v is not None:
                self.refs.append(v)
            if v and "url(" in v:
                self.refs += re.findall(r"url\(([^)]*)\)", v)
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.h2.append(data)


def parse(text):
    p = Page()
    p.feed(text)
    return p


def evil_result():
    """A result whose names, parameters, host, warnings and details carry markup,
    with one case invalid and one that timed out before its first sample."""
    ctx = context(host="host" + EVIL)
    ctx["warnings"] = ["warning " + EVIL]
    levels = {("mcs", 1): 2e6, ("mcs", 2): 3e6, ("prim" + EVIL, 1): 1e6,
              ("prim" + EVIL, 2): 1.5e6, ("ticket", 1): 1e6}
    doc = synthetic_result(levels, reps=5, seed=1, ctx=ctx,
                           statuses={("ticket", 1): "timeout"})
    for r in doc["benchmarks"]:
        r["params"]["relax"] = "pause" + EVIL
        if r["primitive"] == "mcs" and r["threads"] == 2:
            r["status"] = "invalid"
            r["validation"] = {"ok": False, "checks": {}, "detail": "lost update " + EVIL}
    for c in doc["cases"]:
        if c["primitive"] == "mcs" and c["params"]["threads"] == 2:
            c["status"], c["detail"] = "invalid", "lost update " + EVIL
    return doc


class ReportTest(ToolCase):
    shared = None  # (path, text, stdout, doc, base path) of the one report with figures

    @classmethod
    def tearDownClass(cls):
        if cls.shared:
            shutil.rmtree(os.path.dirname(cls.shared[0]), ignore_errors=True)

    def report(self, *args):
        out = os.path.join(self.tmp, "report.html")
        p = self.run_script(REPORT, *args, "-o", out)
        self.assertExit(p, 0)
        with open(out, encoding="utf-8") as f:
            return f.read(), p

    def figures_report(self):
        """Drawing the figures is the slow part: one report with figures
        serves every test that needs one. It is of the real result, compared
        with a base, when there is one; of a synthetic result otherwise."""
        if ReportTest.shared is None:
            keep = tempfile.mkdtemp(prefix="contend-test-report-")
            real = real_result()
            if real:
                with open(real) as f:
                    doc = json.load(f)
                base = os.path.join(keep, "base.json")
                with open(base, "w") as f:
                    json.dump(scale_throughput(doc, 1.25), f)
                args = (real, base)
            else:
                doc, base = evil_result(), None
                args = (os.path.join(keep, "evil.json"),)
                with open(args[0], "w") as f:
                    json.dump(doc, f)
            out = os.path.join(keep, "report.html")
            p = self.run_script(REPORT, *args, "-o", out)
            self.assertExit(p, 0)
            with open(out, encoding="utf-8") as f:
                ReportTest.shared = (out, f.read(), p.stdout, doc, base)
        return ReportTest.shared

    def assertSelfContained(self, text):
        page = parse(text)
        self.assertNotIn("script", page.tags)
        self.assertNotIn("link", page.tags)
        self.assertNotIn("iframe", page.tags)
        self.assertNotIn("@import", text)
        # Only references inside the page: #anchors and #ids of the SVGs.
        self.assertEqual([r for r in page.refs if not r.startswith("#")], [])
        dupes = sorted({i for i in page.ids if page.ids.count(i) > 1})
        self.assertEqual(dupes, [], "ids repeated across inline SVGs")
        missing = sorted({r[1:] for r in page.refs if r[1:] not in set(page.ids)})
        self.assertEqual(missing, [], "references to ids that are not in the page")
        return page

    def test_real_result_with_base(self):
        self.real_result()  # skipped without one: figures_report() then has no base
        _, text, stdout, doc, base = self.figures_report()
        page = self.assertSelfContained(text)
        self.assertEqual([h.strip() for h in page.h2 if h.strip()][:4],
                         ["Environment", "Validation", "Fidelity", "Comparison with %s" % base])
        self.assertIn("Summary", page.h2)
        self.assertIn("Figures", page.h2)
        self.assertIn(doc["context"]["host_name"], "".join(page.text))
        # Real runs have 3 repetitions: the comparison says so instead of judging.
        self.assertIn("too few repetitions: 3 vs 3", text)
        # Every case of the run has a row in the summary tables.
        body = "".join(page.text)
        for c in doc["cases"]:
            if c["status"] == "ok":
                self.assertIn(c["primitive"], body)
        # Each primitive's declared promises, from the ledger (ticket: fair, spins).
        self.assertIn("Primitives", page.h2)
        self.assertIn("fair, spins", body)

    def test_figures_are_inline_svg(self):
        _, text, stdout, doc, _ = self.figures_report()
        page = self.assertSelfContained(text)
        n_svg = page.tags.count("svg")
        self.assertGreaterEqual(n_svg, 2)
        self.assertIn("(%d figures)" % n_svg, stdout)
        self.assertEqual(page.tags.count("figure"), n_svg)
        self.assertNotIn("<?xml", text)
        self.assertNotIn("<!DOCTYPE svg", text)
        self.assertNotIn("<img", text)

    def test_names_are_escaped_and_bad_cases_come_first(self):
        text, _ = self.report(self.write("evil.json", evil_result()), "--no-figures")
        self.assertSelfContained(text)
        self.assertNotIn("<img", text)
        self.assertNotIn('onerror="', text)
        self.assertIn("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;", text)
        page = parse(text)
        body = "".join(page.text)
        for where in ("host<img", "warning <img", "prim<img", "pause<img", "lost update <img"):
            self.assertIn(where, body, "%r not shown (as text)" % where)
        # Validation: timeout before invalid, both before the summary of ok cases.
        v = body.index("Cases not ok")
        self.assertLess(v, body.index("timeout", v))
        self.assertLess(body.index("timeout", v), body.index("invalid", v))
        self.assertLess(body.index("lost update", v), body.index("Medians over the ok"))

    def test_fidelity_shows_controls_and_queues_outside_the_band(self):
        doc = synthetic_result(LEVELS, reps=3)
        doc["context"]["fidelity"] = {
            "empty_loop_ns": 0.3, "controls": [{"case": "locks.contention/none", "ns_per_op": 0.4,
                                               "over_empty_loop": 1.33, "what": "loop alone"}]}
        rows = [r for r in doc["benchmarks"] if r.get("run_type") == "iteration"]
        near = {r["run_name"] for r in rows if r["primitive"] == "mcs"}
        far = {r["run_name"] for r in rows if r["primitive"] == "ticket"}
        for r in rows:
            if r["run_name"] in near | far:
                r["metrics"]["harness_over_bare"] = 1.02 if r["run_name"] in near else 1.6
        text, _ = self.report(self.write("fid.json", doc), "--no-figures")
        page = parse(text)
        self.assertIn("Fidelity", page.h2)
        section = text[text.index('id="fidelity"'):text.index('id="summary"')]
        self.assertIn("locks.contention/none", section)
        self.assertIn("1.33", section)
        for name in near | far:
            row = section[section.rindex("<tr", 0, section.index(name)):section.index(name)]
            self.assertEqual('class="bad"' in row, name in far, name)
        # A result without fidelity figures says so instead of an empty table.
        text, _ = self.report(self.write("plain.json", synthetic_result(LEVELS, reps=3)),
                              "--no-figures")
        self.assertIn("records no fidelity figures", text)

    def test_incomplete_run_and_bad_input(self):
        doc = synthetic_result(LEVELS, reps=5)
        doc["context"]["complete"] = False
        text, _ = self.report(self.write("inc.json", doc), "--no-figures")
        self.assertIn("Incomplete run", text)
        bad = self.write("bad.json", '{"context": {"schema_version": 1}, "benchmarks": [')
        self.assertOneLineError(self.run_script(REPORT, bad), "bad.json", "truncated")
        good = self.write("good.json", doc)
        self.assertOneLineError(self.run_script(REPORT, good, bad), "bad.json")
        self.assertOneLineError(self.run_script(REPORT, good, "--no-figures", "-o",
                                                os.path.join(self.tmp, "no", "dir", "r.html")),
                                "cannot write")

    def test_renders_in_headless_chromium(self):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if not browser:
            self.skipTest("Chromium is not installed (Debian package `chromium`): "
                          "the page is not rendered")
        out, text, _, _, _ = self.figures_report()
        n_svg = parse(text).tags.count("svg")
        shot = os.path.join(self.tmp, "shot.png")
        common = [browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" +
                  os.path.join(self.tmp, "chromium"),
                  # Nothing may be fetched: every host name fails to resolve.
                  "--host-resolver-rules=MAP * ~NOTFOUND"]
        dom = subprocess.run(common + ["--dump-dom", "file://" + out], capture_output=True,
                             text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        rendered = parse(dom.stdout)
        self.assertEqual(rendered.tags.count("svg"), n_svg)
        self.assertIn("Validation", rendered.h2)
        self.assertNotIn("img", rendered.tags)  # the escaped markup stayed text
        png = subprocess.run(common + ["--window-size=1280,2400", "--screenshot=" + shot,
                                       "file://" + out], capture_output=True, text=True,
                             timeout=120)
        self.assertEqual(png.returncode, 0, png.stderr[-2000:])
        with open(shot, "rb") as f:
            data = f.read()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(data), 20000)  # a drawn page, not a blank one


class ExportCsvTest(ToolCase):
    def export(self, path):
        out = os.path.join(self.tmp, "out.csv")
        p = self.run_script(EXPORT, path, "-o", out)
        self.assertExit(p, 0)
        with open(out, newline="") as f:
            rows = list(csv.DictReader(f))
        with open(out, newline="") as f:
            header = next(csv.reader(f))
        return header, rows, p

    def check(self, doc, header, rows):
        samples = [r for r in doc["benchmarks"] if r["run_type"] == "iteration"]
        self.assertEqual(len(rows), len(samples))
        self.assertEqual(header[:6], ["name", "scenario", "primitive", "status",
                                      "repetition_index", "threads"])
        self.assertEqual(header[-1], "validation.ok")
        self.assertEqual(len(header), len(set(header)))
        for got, want in zip(rows, samples):
            self.assertEqual(got["name"], want["name"])
            self.assertEqual(int(got["threads"]), want["threads"])
            self.assertEqual(int(got["repetition_index"]), want["repetition_index"])
            self.assertEqual(float(got["metrics.throughput_ops_per_s"]),
                             want["metrics"]["throughput_ops_per_s"])  # full precision
            for k, v in want["params"].items():
                if k != "threads":
                    self.assertEqual(got["params." + k], str(v))
            key = next(iter(want["latency"]))
            p99 = want["latency"][key]["p99"]  # null when no operation was sampled
            cell = got["latency.%s.p99" % key]
            self.assertEqual(float(cell) if cell else None, p99)
            self.assertEqual(got["validation.ok"], "true" if want["validation"]["ok"]
                             else "false")

    def test_real_result_round_trips(self):
        real = self.real_result()
        with open(real) as f:
            doc = json.load(f)
        header, rows, p = self.export(real)
        self.check(doc, header, rows)
        self.assertIn("%d samples" % len(rows), p.stdout)
        # Stable columns: the same header whatever the order of the rows.
        doc["benchmarks"].reverse()
        again, _, _ = self.export(self.write("reversed.json", doc))
        self.assertEqual(again, header)

    def test_synthetic_result_and_missing_figures(self):
        doc = evil_result()
        doc["benchmarks"][0]["metrics"]["jain_index"] = None
        header, rows, _ = self.export(self.write("e.json", doc))
        self.check(doc, header, rows)
        self.assertEqual(rows[0]["metrics.jain_index"], "")
        self.assertIn("params.relax", header)
        self.assertNotIn("params.threads", header)
        self.assertLess(header.index("params.relax"), header.index("metrics.jain_index"))
        self.assertLess(header.index("metrics.jain_index"),
                        header.index("latency.acquire_wait.p99"))

    def test_stdout_and_bad_input(self):
        doc = synthetic_result(LEVELS, reps=5)
        p = self.run_script(EXPORT, self.write("s.json", doc))
        self.assertExit(p, 0)
        self.assertEqual(len(list(csv.reader(p.stdout.splitlines()))), 1 + 5 * len(LEVELS))
        self.assertOneLineError(self.run_script(EXPORT, self.write("x.json", '{"a": 1}')),
                                "not a contend result")
        self.assertOneLineError(self.run_script(EXPORT, os.path.join(self.tmp, "none.json")),
                                "no such file")


if __name__ == "__main__":
    unittest.main(verbosity=2)
