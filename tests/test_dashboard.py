#!/usr/bin/python3
"""Tests of scripts/dashboard.py: the store's trend page, drawn in a real
browser.

    /usr/bin/python3 tests/test_dashboard.py [unittest options]

A store is made in a temporary folder from 24 variants of one real result:
each run its own date and revision, every case's throughput moved by a
seeded ±2 % per run, and one primitive's throughput 20 % lower from the 13th
run on. The result varied is $CONTEND_RESULT when set (e.g.
build/e2e/result.json), else the committed reference run
(results/reference/epyc-2vcpu-vm/default.json) cut to its locks suite, so
the test needs no contend binary: only Python, the store and Chromium (and
PostgreSQL 15 for the test that draws the same page from a PostgreSQL store;
it fails without it, as tests/test_store.py does).

The page is opened in headless Chromium (Debian's `chromium`; missing, the
test FAILS: scripts/setup.sh --with-test-tools installs it) with nothing
reachable, and the DOM it drew is read back (contend_tools.dashboard.
render_in_chromium). uPlot comes from $CONTEND_WEB_DIR (CTest sets it to the
build's web/), else build/web (scripts/fetch-web-deps.sh). The screenshot
and the page are kept as artefacts in $CONTEND_ARTEFACT_DIR, else in
test-artefacts/ beside that web folder (build/test-artefacts/dashboard.png).
"""
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPTS = os.path.join(ROOT, "scripts")
sys.path.insert(0, SCRIPTS)
from contend_tools import dashboard, dashboard_page  # noqa: E402

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
DASHBOARD = os.path.join(SCRIPTS, "dashboard.py")
STORE = os.path.join(SCRIPTS, "store.py")
REFERENCE = os.path.join(ROOT, "results", "reference", "epyc-2vcpu-vm", "default.json")
RUNS, CHANGE_AT, DROP = 24, 12, 0.8  # the 13th run (index 12) on: 20 % less throughput
REV_URL = "https://example.invalid/commit/{rev}"


def source_result():
    path = os.environ.get("CONTEND_RESULT")
    with open(path or REFERENCE) as f:
        doc = json.load(f)
    if not path:  # the locks suite of the reference run: 69 cases of 5 repetitions
        keep = lambda x: str(x.get("scenario", "")).startswith("locks.")  # noqa: E731
        doc["benchmarks"] = [r for r in doc["benchmarks"] if keep(r)]
        doc["cases"] = [c for c in doc["cases"] if keep(c)]
    return doc


def revision(i):
    return "%012x" % (0xdb0a4c000000 + 0x10101 * i)


def variants(doc, changed):
    """RUNS results: run i dated Nov i+1, its own revision, each case's
    throughput times a seeded factor in [0.98, 1.02], `changed`'s times DROP
    from run CHANGE_AT on."""
    rng = random.Random(5)
    out = []
    for i in range(RUNS):
        d = copy.deepcopy(doc)
        d["context"]["date"] = "2026-11-%02dT10:00:00+00:00" % (i + 1)
        d["context"]["git_revision"] = revision(i)
        noise = {}
        for r in d["benchmarks"]:
            if r.get("run_type") != "iteration":
                continue
            f = noise.setdefault(r.get("run_name") or r["name"], rng.uniform(0.98, 1.02))
            if i >= CHANGE_AT and r["primitive"] == changed:
                f *= DROP
            if r.get("items_per_second") is not None:
                r["items_per_second"] *= f
            m = r.get("metrics") or {}
            if m.get("throughput_ops_per_s") is not None:
                m["throughput_ops_per_s"] *= f
        out.append(d)
    return out


def expected_charts(doc, scenario):
    """{parameter set text: sorted primitives} of a scenario's ok cases."""
    from contend_tools.dashboard_data import param_text
    sets = {}
    for c in doc["cases"]:
        if c["scenario"] == scenario and c["status"] == "ok":
            p = dict(c["params"])
            t = p.pop("threads", None)
            sets.setdefault(param_text(json.dumps(p, sort_keys=True), t), set()).add(
                c["primitive"])
    return {k: sorted(v) for k, v in sets.items()}


def artefact_dir():
    d = os.environ.get("CONTEND_ARTEFACT_DIR")
    if not d:
        web = os.environ.get(dashboard_page.WEB_ENV) or os.path.join(ROOT, "build", "web")
        d = os.path.join(os.path.dirname(os.path.abspath(web)), "test-artefacts")
    os.makedirs(d, exist_ok=True)
    return d


class DashboardTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="contend-test-dashboard-")
        cls.doc = source_result()
        scenarios = sorted({c["scenario"] for c in cls.doc["cases"]})
        cls.scenario = scenarios[0]  # the page opens on the first scenario by name
        cls.charts = expected_charts(cls.doc, cls.scenario)
        # The changed primitive: one in every parameter set of that scenario,
        # and not ticket (the filter test's choice).
        common = set.intersection(*(set(v) for v in cls.charts.values()))
        cls.changed = sorted(common - {"ticket"})[0]
        cls.store = os.path.join(cls.tmp, "store.sqlite")
        files = []
        runs = variants(cls.doc, cls.changed)
        # And one run of another machine: a series of one point.
        other = copy.deepcopy(runs[0])
        other["context"]["host_name"] = "otherhost"
        for i, d in enumerate(runs + [other]):
            files.append(os.path.join(cls.tmp, "run%02d.json" % i))
            with open(files[-1], "w") as f:
                json.dump(d, f)
        cls.files = files
        cls.add(cls.store)
        cls.page = os.path.join(cls.tmp, "dashboard.html")
        cls.gen = cls.dashboard("--store", cls.store, "-o", cls.page, "--figure",
                                "throughput,cpu_ns_per_op", "--revision-url", REV_URL)
        if cls.gen.returncode != 0:  # e.g. uPlot not installed: every test needs the page
            raise AssertionError("dashboard.py failed: " + cls.gen.stderr.strip())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def add(cls, store):
        p = subprocess.run([PYTHON, STORE, "--store", store, "add", "-q"] + cls.files,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError("store.py add failed: " + p.stderr)

    @classmethod
    def dashboard(cls, *args, env=None):
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([PYTHON, DASHBOARD] + list(args), capture_output=True, text=True,
                              timeout=300, env=e)

    def render(self, fragment="", screenshot=None):
        self.assertIsNotNone(dashboard.chromium(),
                             "Chromium is not installed (Debian package `chromium`): "
                             "scripts/setup.sh --with-test-tools installs it")
        got = dashboard.render_in_chromium(self.page, self.tmp, screenshot=screenshot,
                                           fragment=fragment)
        self.assertIsNone(got["error"], "a script error in the page")
        self.assertIsNotNone(got["drawn_ms"], "the page never finished drawing")
        return got

    def test_generated(self):
        self.assertEqual(self.gen.returncode, 0, self.gen.stderr)
        lines = self.gen.stdout.strip().splitlines()
        self.assertEqual(len(lines), 1, self.gen.stdout)
        self.assertRegex(lines[0], r"^%d runs on 2 machines, \d+ series \(\d+ tested\), "
                                   r"3 change points; wrote .*dashboard\.html \([\d.]+ MB\)"
                         % (RUNS + 1))
        with open(self.page, encoding="utf-8") as f:
            text = f.read()
        # Self-contained: no element loads anything; the only URL is the
        # revision link template, inside the data.
        self.assertIsNone(re.search(r"<(link|iframe|img)\b|\bsrc\s*=|@import", text))
        data = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
        blob = json.loads(data.group(1))
        self.assertEqual(blob["revUrl"], REV_URL)
        self.assertEqual([f[0] for f in blob["figures"]], ["throughput", "cpu_ns_per_op"])
        self.assertEqual([len(m["t"]) for m in blob["machines"]], [RUNS, 1])
        # Compact: no number of the series keeps more than 4 significant digits.
        numbers = re.findall(r"-?[\d.]+(?:e-?\d+)?", data.group(1).split('"series":', 1)[1])
        significant = [len(n.lstrip("-").split("e")[0].replace(".", "").strip("0"))
                       for n in numbers]
        self.assertLessEqual(max(significant), 4)

    def test_charts_changes_and_verdicts(self):
        got = self.render(fragment="", screenshot=os.path.join(artefact_dir(), "dashboard.png"))
        shutil.copy(self.page, os.path.join(artefact_dir(), "dashboard.html"))
        dom = got["dom"]
        self.assertEqual(got["charts"], len(self.charts))
        for c in got["per_chart"]:
            with self.subTest(params=c["params"]):
                self.assertEqual(c["labels"], self.charts[c["params"]])
                self.assertEqual(c["series"], len(self.charts[c["params"]]))
                self.assertEqual(c["points"], RUNS)
                # The drop is marked on every chart with the changed
                # primitive, and nothing else moved by 5 %.
                self.assertEqual(c["changes"], 1)
        self.assertEqual(got["points"], RUNS * len(self.charts))
        # Listed under the chart, between the two revisions around it.
        items = re.findall(r'<ul class="changes">(.*?)</ul>', dom, re.S)
        self.assertEqual(len(items), len(self.charts))
        before, after = revision(CHANGE_AT - 1), revision(CHANGE_AT)
        for li in items:
            self.assertIn("<b>%s</b>: worse" % self.changed, li)
            self.assertIn('href="%s"' % REV_URL.replace("{rev}", before), li)
            self.assertIn('href="%s"' % REV_URL.replace("{rev}", after), li)
            self.assertRegex(li, r"−(19|20|21)\.\d %")
        # The verdict table: the changed primitive worse in every parameter
        # set, first; no other series worse.
        rows = re.findall(r'<tr class="(\w+)" data-primitive="([^"]*)">', dom)
        worse = [p for cls, p in rows if cls == "worse"]
        self.assertEqual(worse, [self.changed] * len(self.charts))
        self.assertEqual([cls for cls, _ in rows[:len(worse)]], ["worse"] * len(worse))
        self.assertNotIn("better", [cls for cls, _ in rows])
        with open(os.path.join(artefact_dir(), "dashboard.png"), "rb") as f:
            png = f.read()
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(png), 20000)  # a drawn page, not a blank one

    def test_filters_from_the_url(self):
        got = self.render(fragment="figure=cpu_ns_per_op&primitive=ticket")
        self.assertEqual(got["charts"], len(self.charts))
        for c in got["per_chart"]:
            self.assertEqual((c["series"], c["labels"], c["changes"]), (1, ["ticket"], 0))
            self.assertEqual(c["points"], RUNS)
        self.assertIn("— CPU ns/op</h3>", got["dom"])
        self.assertNotIn('<tr class="worse"', got["dom"])  # no CPU time changed
        # Another scenario and one parameter set, on the revision axis.
        scenarios = sorted({c["scenario"] for c in self.doc["cases"]})
        other = scenarios[-1]
        params = sorted(expected_charts(self.doc, other).items())[0]
        got = self.render(fragment="scenario=%s&x=revision&params=%s"
                          % (other, params[0].replace(" ", "%20")))
        self.assertEqual([(c["params"], c["labels"]) for c in got["per_chart"]], [params])
        # The other machine: one run, nothing to compare it with.
        with open(self.page, encoding="utf-8") as f:
            blob = json.loads(re.search(r'id="data">(.*?)</script>', f.read(), re.S).group(1))
        got = self.render(fragment="machine=%d" % blob["machines"][1]["id"])
        self.assertEqual(got["charts"], len(self.charts))
        self.assertEqual({c["points"] for c in got["per_chart"]}, {1})
        self.assertIn("otherhost: ", got["dom"])
        self.assertNotIn('<tr class="worse"', got["dom"])

    def test_one_machine_last_runs(self):
        out = os.path.join(self.tmp, "last.html")
        p = self.dashboard("--store", self.store, "-o", out, "--machine", "otherhost")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^1 run on 1 machine, \d+ series \(0 tested\), "
                                   r"0 change points")
        p = self.dashboard("--store", self.store, "-o", out, "--last", "5", "--x", "revision")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^6 runs on 2 machines")

    def test_bad_input(self):
        empty = os.path.join(self.tmp, "empty.sqlite")
        from contend_tools import store_db
        store_db.open_store(empty, create=True).close()
        out = os.path.join(self.tmp, "bad.html")
        cases = [
            (("--store", empty), None, "holds no result run"),
            (("--store", os.path.join(self.tmp, "none.sqlite")), None, "no store at"),
            (("--store", self.store, "--machine", "nosuchhost"), None, "--machine: 'nosuchhost'"),
            (("--store", self.store, "--figure", "throughput,speed"), None,
             "--figure: unknown figure 'speed'"),
            (("--store", self.store, "-o", os.path.join(self.tmp, "no", "dir", "d.html")),
             None, "-o:"),
            (("--store", self.store), {dashboard_page.WEB_ENV: os.path.join(self.tmp, "no")},
             "uPlot not found: run scripts/setup.sh (it fetches it from npm)"),
            (("--store", self.store, "--revision-url", "https://x/commit/"), None, "{rev}"),
            (("--store", self.store, "--last", "0"), None, "--last"),
        ]
        for args, env, needle in cases:
            with self.subTest(args=args):
                has_out = "-o" in args
                p = self.dashboard(*args, *(() if has_out else ("-o", out)), env=env)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertIn(needle, lines[0])
                self.assertFalse(os.path.exists(out))

    def test_postgresql_store_draws_the_same_page(self):
        import postgres_cluster
        cluster = postgres_cluster.Cluster()  # fails, saying so, without PostgreSQL 15
        try:
            url = cluster.new_database()
            self.add(url)
            out = os.path.join(self.tmp, "pg.html")
            p = self.dashboard("--store", url, "-o", out, "--figure", "throughput,cpu_ns_per_op",
                               "--revision-url", REV_URL)
            self.assertEqual(p.returncode, 0, p.stderr)
        finally:
            cluster.stop()

        def data(path):
            with open(path, encoding="utf-8") as f:
                blob = json.loads(re.search(r'id="data">(.*?)</script>', f.read(), re.S).group(1))
            for k in ("generated", "store"):
                blob.pop(k)
            for m in blob["machines"]:  # the back ends number rows their own way
                m.pop("id")
                m.pop("run")
            return blob
        self.assertEqual(data(out), data(self.page))

    def test_data_escaped_inside_script(self):
        evil = '</script><img src=x onerror="alert(1)"><!--'
        model = {"machines": [{"id": 1, "name": evil, "runs": [
                     {"id": 1, "t": 0, "rev": evil, "label": evil}]}],
                 "series": [{"machine": 0, "scenario": evil, "params": evil, "primitive": evil,
                             "figure": "throughput", "med": [1.0], "lo": [1.0], "hi": [1.0],
                             "changes": [], "verdict": {"code": 0, "latest": 1.0, "base": None,
                                                        "rel": None, "since": None, "run": 0}}],
                 "alpha": 0.05, "min_shift": 0.05, "min_segment": 2, "permutations": 999}
        from contend_tools.compare_load import FIGURE_BY_KEY
        text = dashboard_page.blob(model, [FIGURE_BY_KEY["throughput"]], "date", None, evil)
        self.assertNotIn("<", text)
        self.assertEqual(json.loads(text)["scenarios"], [evil])
        self.assertEqual(dashboard_page.num(1234567.0), "1235000")
        self.assertEqual(dashboard_page.num(0.000123456), "0.0001235")
        self.assertEqual(dashboard_page.num(float("nan")), "null")


if __name__ == "__main__":
    unittest.main()
