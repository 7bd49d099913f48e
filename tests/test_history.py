#!/usr/bin/python3
"""Tests of scripts/history.py and history_changepoint.py: a planted level
shift is found where it was planted, a flat noisy series raises nothing, the
runs are ordered by date or by git revision, and bad input is one line.

    /usr/bin/python3 tests/test_history.py [unittest options]

Synthetic series and result files (synthetic_results.py); seeded,
so every run of these tests sees the same numbers.
"""
import json
import math
import os
import random
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import ROOT, SCRIPTS, ToolCase  # noqa: E402
from synthetic_results import LEVELS, context, synthetic_result  # noqa: E402

sys.path.insert(0, SCRIPTS)
from contend_tools import history_changepoint as hc  # noqa: E402

HISTORY = os.path.join(SCRIPTS, "history.py")


def series(n, shift_at=None, shift=-0.2, run_noise=0.04, rep_noise=0.02, reps=5, seed=0,
           level=None):
    """Medians and samples of n runs: a level (1e6, stepping by `shift` at
    shift_at, or level(i)), run-to-run noise (the machine of the day), and
    repetition noise."""
    rng = random.Random(seed)
    medians, samples = [], []
    for i in range(n):
        lv = level(i) if level else 1e6 * (1 + shift if shift_at is not None
                                           and i >= shift_at else 1)
        day = rng.gauss(0, run_noise)
        s = [lv * math.exp(day + rng.gauss(0, rep_noise)) for _ in range(reps)]
        samples.append(s)
        medians.append(sorted(s)[reps // 2])
    return medians, samples


class ChangePointTest(unittest.TestCase):
    def test_planted_shift_is_found_where_it_was_planted(self):
        for seed in range(10):
            with self.subTest(seed=seed):
                m, s = series(24, shift_at=15, seed=seed)
                found = hc.detect(m, s, seed=seed)
                self.assertEqual([c["index"] for c in found], [15], found)
                self.assertAlmostEqual(found[0]["shift"], -0.2, delta=0.06)
                self.assertLess(found[0]["p"], 0.05)

    def test_two_shifts(self):
        # Up by 25 % at run 10, down to 70 % of the start at run 20.
        m, s = series(30, seed=3, level=lambda i: 1e6 * (1.0 if i < 10 else
                                                          1.25 if i < 20 else 0.7))
        self.assertEqual([c["index"] for c in hc.detect(m, s, seed=1)], [10, 20])

    def test_flat_noisy_series_do_not_fire(self):
        fired = [seed for seed in range(40)
                 if hc.detect(*series(24, run_noise=0.05, seed=1000 + seed), seed=seed)]
        # Level 0.05 with a 5 % floor: at most a few of 40 flat series.
        self.assertLessEqual(len(fired), 2, fired)

    def test_a_single_outlier_is_not_a_level(self):
        m, s = series(20, run_noise=0.01, seed=7)
        m[-1] *= 0.5
        s[-1] = [v * 0.5 for v in s[-1]]
        self.assertEqual(hc.detect(m, s, seed=1), [])

    def test_noisy_runs_weigh_less(self):
        m, s = series(10, seed=2)
        s[3] = [v * f for v, f in zip(s[3], (0.5, 0.8, 1.0, 1.2, 1.5))]
        _, w, log = hc.prepare(m, s)
        self.assertTrue(log)
        self.assertEqual(min(range(10), key=lambda i: w[i]), 3)


class HistoryCliTest(ToolCase):
    def make_runs(self, n=12, shift_at=7, revs=None, folder="runs"):
        """n result files named out of date order; ticket at 2 threads loses
        20 % of its throughput from run shift_at on."""
        rng = random.Random(5)
        for i in range(n):
            levels = dict(LEVELS)
            if shift_at is not None and i >= shift_at:
                levels[("ticket", 2)] *= 0.8
            ctx = context(date="2026-11-%02dT10:00:00+00:00" % (i + 1),
                          rev=revs[i] if revs else "%07x" % (0xabc000 + i))
            doc = synthetic_result(levels, reps=5, cv=0.02, seed=i, ctx=ctx,
                                   scale=math.exp(rng.gauss(0, 0.02)))
            self.write("%s/r%02d.json" % (folder, (i * 5) % n), doc)
        return os.path.join(self.tmp, folder)

    def history(self, *args):
        out = os.path.join(self.tmp, "h.json")
        p = self.run_script(HISTORY, *args, "--json", out, "-o", os.path.join(self.tmp, "plots"))
        self.assertExit(p, 0)
        with open(out) as f:
            return p, json.load(f)

    def test_planted_shift_across_result_files(self):
        p, doc = self.history(self.make_runs())
        self.assertEqual([r["date"][:10] for r in doc["runs"]],
                         ["2026-11-%02d" % (i + 1) for i in range(12)])
        changed = {(s["case"], s["figure"]): s["changes"] for s in doc["series"]
                   if s["changes"]}
        target = "locks.contention/ticket/threads:2/cs_ns:100"
        self.assertIn((target, "throughput"), changed)
        self.assertEqual({case for case, _ in changed}, {target}, changed)
        ch = changed[(target, "throughput")]
        self.assertEqual([c["run"] for c in ch], [7])
        self.assertEqual(ch[0]["direction"], "worse")
        self.assertAlmostEqual(ch[0]["shift"], -0.2, delta=0.05)
        self.assertIn("WORSE", p.stdout)
        plots = sorted(os.listdir(os.path.join(self.tmp, "plots")))
        self.assertIn("locks.contention_ticket_threads_2_cs_ns_100__throughput.svg", plots)
        self.assertIn("locks.contention_ticket_threads_2_cs_ns_100__throughput.png", plots)
        self.assertFalse([n for n in plots if "mcs" in n], plots)
        for n in plots:
            self.assertGreater(os.path.getsize(os.path.join(self.tmp, "plots", n)), 1024)

    def test_flat_history_raises_nothing(self):
        p, doc = self.history(self.make_runs(shift_at=None), "--figure", "throughput")
        self.assertEqual([s for s in doc["series"] if s["changes"]], [])
        self.assertEqual(doc["tested_series"], len(LEVELS))
        self.assertIn("0 level changes", p.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "plots")))

    def test_order_by_git_revision(self):
        git = subprocess.run(["git", "-C", ROOT, "rev-list", "--topo-order", "--reverse",
                              "--all"], capture_output=True, text=True)
        revs = git.stdout.split()
        if git.returncode != 0 or len(revs) < 6:
            self.skipTest("the source tree is not a git checkout with 6 commits or more")
        # Dates run backwards: only the git order puts the shift at run 3.
        chosen = [r[:12] for r in revs[:6]]
        folder = self.make_runs(n=6, shift_at=3, revs=list(reversed(chosen)))
        _, by_date = self.history(folder, "--figure", "throughput")
        _, by_git = self.history(folder, "--figure", "throughput", "--order", "git",
                                 "--repo", ROOT)
        self.assertEqual([r["git_revision"] for r in by_git["runs"]], chosen)
        self.assertEqual([r["git_revision"] for r in by_date["runs"]], list(reversed(chosen)))

    def test_bad_input(self):
        one = self.make_runs(n=1, shift_at=None, folder="one")
        self.assertOneLineError(self.run_script(HISTORY, one), "at least 2")
        folder = self.make_runs(n=4, shift_at=None, folder="four")
        self.write("four/zz.json", '{"context": {"schema_version": 1}, "benchmarks": [')
        self.assertOneLineError(self.run_script(HISTORY, folder), "zz.json", "truncated")
        self.assertOneLineError(self.run_script(HISTORY, folder, "--figure", "speed"),
                                "--figure")
        self.assertOneLineError(self.run_script(HISTORY, self.write("x.json", "[]")),
                                "not a contend result")


if __name__ == "__main__":
    unittest.main(verbosity=2)
