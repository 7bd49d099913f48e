#!/usr/bin/env python3
"""End-to-end tests of problems.granularity and problems.gil through the
contend binary: bad parameters are refused with one line and exit 2; a short
real run of both scenarios is valid, matches the schema, carries the
scenarios' own figures, and plot.py draws one figure per scenario from it.

Run by CTest with CONTEND_BIN (the binary) in the environment."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("CONTEND_BIN", os.path.join(ROOT, "build", "contend"))
SCRIPTS = os.path.join(ROOT, "scripts")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(args, timeout=120):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)


class BadParameters(unittest.TestCase):
    CASES = [
        (["run", "problems.granularity", "--set", "stripes=0"], "stripes"),
        (["run", "problems.granularity", "--set", "stripes=many"], "stripes"),
        (["run", "problems.granularity", "--set", "accounts=0"], "accounts"),
        (["run", "problems.granularity", "--set", "lock=rwlock"], "lock"),
        (["run", "problems.granularity", "--set", "cs_ns=-1"], "cs_ns"),
        (["run", "problems.granularity", "--set", "audit_us=2000000"], "audit_us"),
        (["run", "problems.granularity", "--primitive", "striped_locks",
          "--set", "stripes=4096"], "stripes"),
        (["run", "problems.gil", "--set", "io_pct=100"], "io_pct"),
        (["run", "problems.gil", "--set", "switch_us=5"], "switch_us"),
        (["run", "problems.gil", "--set", "task_us=x"], "task_us"),
        (["run", "problems.gil", "--set", "unit_ns=0"], "unit_ns"),
        (["run", "problems.gil", "--primitive", "gil_io", "--set", "task_us=100",
          "--set", "unit_ns=50000"], "unit_ns"),
    ]

    def test_exit_2_with_one_line(self):
        with tempfile.TemporaryDirectory() as d:
            for args, needle in self.CASES:
                with self.subTest(args=" ".join(args[1:])):
                    p = run(args + ["--quiet", "-o", os.path.join(d, "r.json")])
                    self.assertEqual(p.returncode, 2, p.stderr)
                    lines = p.stderr.strip().splitlines()
                    self.assertEqual(len(lines), 1, p.stderr)
                    self.assertIn(needle, lines[0])
                    self.assertFalse(os.path.exists(os.path.join(d, "r.json")))


class ShortRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.dir.name, "r.json")
        # 40 ms windows: on a loaded machine (other tests, other builds) a
        # thread can wait 20 ms for a CPU, and a window in which nothing ran
        # is rightly reported as no progress.
        cls.proc = run(["run", "problems.granularity", "problems.gil", "--threads", "1,2",
                        "--duration", "40ms", "--warmup", "5ms", "--repetitions", "2",
                        "--quiet", "-o", cls.out], timeout=150)
        with open(cls.out) as f:
            cls.doc = json.load(f)
        cls.rows = [r for r in cls.doc["benchmarks"] if r["run_type"] == "iteration"]

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_every_case_ok(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        bad = [(c["name"], c["status"], c["detail"]) for c in self.doc["cases"]
               if c["status"] != "ok"]
        self.assertEqual(bad, [])
        prims = {c["primitive"] for c in self.doc["cases"]}
        self.assertEqual(prims, {"global_lock", "striped_locks", "account_locks",
                                 "account_locks_padded", "atomic_accounts",
                                 "gil_cpu", "gil_io", "no_gil_cpu", "no_gil_io"})

    def test_schema(self):
        p = subprocess.run([PYTHON, os.path.join(SCRIPTS, "validate_result.py"), self.out],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_granularity_figures(self):
        rows = [r for r in self.rows if r["scenario"] == "problems.granularity"]
        by = {r["primitive"]: r for r in rows}
        self.assertEqual(by["atomic_accounts"]["metrics"]["lock_bytes"], 0)
        self.assertLess(by["global_lock"]["metrics"]["lock_bytes"],
                        by["striped_locks"]["metrics"]["lock_bytes"])
        self.assertLess(by["striped_locks"]["metrics"]["lock_bytes"],
                        by["account_locks"]["metrics"]["lock_bytes"])
        for r in rows:
            v = r["validation"]["checks"]
            self.assertEqual(v["total_final"], v["total_expected"], r["name"])
            self.assertEqual(v["negative_balances"], 0, r["name"])

    def test_gil_figures(self):
        rows = [r for r in self.rows if r["scenario"] == "problems.gil"]
        for r in rows:
            io = r["io_pct_applied"]
            self.assertEqual(io, 90 if r["primitive"].endswith("_io") else 0, r["name"])
            if r["primitive"].startswith("gil"):
                self.assertIn("gil_wait", r["latency"])
                self.assertEqual(r["validation"]["checks"]["mutual_exclusion_violations"], 0)

    def test_plot_draws_one_figure_per_scenario(self):
        out = os.path.join(self.dir.name, "plots")
        p = subprocess.run([PYTHON, os.path.join(SCRIPTS, "plot.py"), self.out, "-o", out],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        for scenario in ("problems.granularity", "problems.gil"):
            pngs = glob.glob(os.path.join(out, scenario + "__*.png"))
            self.assertEqual(len(pngs), 1, (scenario, sorted(os.listdir(out))))


if __name__ == "__main__":
    unittest.main()
