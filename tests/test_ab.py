#!/usr/bin/python3
"""Tests of scripts/ab.py (the A/B mode) and its statistics
(contend_tools/paired_stats): the signed-rank test and Hodges-Lehmann
interval against scipy, a session end to end with a deliberately slowed
control lock that must be found, the session record (seed, order, files)
and --analyse reading it again, and every kind of bad input as one line and
exit 2 with the rounds already run kept.

    CONTEND_BIN=build/contend /usr/bin/python3 tests/test_ab.py [unittest options]
"""
import json
import os
import random
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import BIN, SCRIPTS, ToolCase  # noqa: E402

BIN = os.path.abspath(BIN)

AB = os.path.join(SCRIPTS, "ab.py")
sys.path.insert(0, SCRIPTS)
from contend_tools import paired_stats as ps  # noqa: E402

# A case where the control's 30 ns inside the critical section is a large
# part of an operation (~70 ns): found whatever else runs on the machine.
FAST_CASE = ["locks.contention", "--threads", "1", "--set", "cs_ns=0", "--set", "think_ns=50",
             "--duration", "20ms", "--warmup", "5ms", "--latency-window", "10ms"]
ONE_LOCK = FAST_CASE + ["--primitive", "tas"]


class PairedStatsTest(unittest.TestCase):
    def test_signed_rank_matches_scipy(self):
        from scipy import stats
        rng = random.Random(3)
        for n in (6, 9, 10, 14, 25, 60):
            d = [rng.gauss(0.01, 0.03) for _ in range(n)]
            want = stats.wilcoxon(d, mode="exact" if n <= 50 else "approx",
                                  correction=False).pvalue
            self.assertAlmostEqual(ps.signed_rank(d)[1], want, places=10)

    def test_ties_and_zeros(self):
        # Zeros are dropped (Wilcoxon); all zero is no evidence at all.
        self.assertEqual(ps.signed_rank([0.0] * 8), (0, 1.0))
        n, p = ps.signed_rank([0.0, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.03])
        self.assertEqual(n, 7)
        self.assertAlmostEqual(p, 2 / 2 ** 7)  # all of one sign, ties or not

    def test_smallest_p_and_rounds(self):
        self.assertEqual(ps.smallest_p(5), 0.0625)
        self.assertEqual(ps.rounds_needed(0.05), 6)
        self.assertLess(ps.smallest_p(10), 0.002)

    def test_hodges_lehmann_interval(self):
        # n = 10 at 95 %: the critical value is 8, so the interval runs from
        # the 9th smallest to the 9th largest of the 55 Walsh averages.
        d = [0.3, -0.1, 0.5, 0.2, 0.9, 0.4, -0.2, 0.6, 0.1, 0.7]
        w = sorted((d[i] + d[j]) / 2 for i in range(10) for j in range(i, 10))
        self.assertEqual(ps.hodges_lehmann_ci(d), (w[8], w[-9]))
        self.assertAlmostEqual(ps.hodges_lehmann(d), w[27])
        self.assertIsNone(ps.hodges_lehmann_ci([0.1] * 5))  # 5 rounds cannot reach 95 %
        # Coverage: the interval holds the true centre about 95 % of the time.
        rng = random.Random(5)
        hits = sum(lo <= 0.02 <= hi for lo, hi in
                   (ps.hodges_lehmann_ci([rng.gauss(0.02, 0.05) for _ in range(10)])
                    for _ in range(400)))
        self.assertGreater(hits, 360)


class PairingTest(unittest.TestCase):
    @staticmethod
    def doc(*cases):
        return {"cases": [{"name": "%s/%s/%s" % (sc, pr, "/".join("%s:%s" % kv for kv in
                                                               sorted(pa.items()))),
                           "scenario": sc, "primitive": pr, "params": pa}
                          for sc, pr, pa in cases]}

    def test_by_name_by_parameters_then_by_plan_order(self):
        from contend_tools.ab_rounds import RoundsError, pairing
        one = ("locks.contention", "tas", {"threads": 1})
        two = ("locks.contention", "tas", {"threads": 2})
        base = self.doc(one, two)
        self.assertEqual(pairing(base, self.doc(two, one)),
                         {n: n for n in [c["name"] for c in base["cases"]]})
        # Two primitives: paired by scenario and parameters.
        other = self.doc(("locks.contention", "mcs", {"threads": 1}),
                         ("locks.contention", "mcs", {"threads": 2}))
        got = pairing(base, other)
        self.assertEqual(got["locks.contention/tas/threads:2"], "locks.contention/mcs/threads:2")
        # Two parameter values: paired in plan order.
        more = self.doc(("locks.contention", "tas", {"threads": 1, "cs_ns": 200}),
                        ("locks.contention", "tas", {"threads": 2, "cs_ns": 200}))
        got = pairing(base, more)
        self.assertEqual(got["locks.contention/tas/threads:1"],
                         "locks.contention/tas/cs_ns:200/threads:1")
        # Another plan: refused.
        with self.assertRaisesRegex(RoundsError, "ran different cases: 2 vs 1"):
            pairing(base, self.doc(one))


class AbTest(ToolCase):
    TIMEOUT = 600

    def ab(self, *args):
        return self.run_script(AB, "--base", BIN, "--new", BIN, *args)

    def test_slowed_control_is_found_and_the_session_is_kept(self):
        folder = os.path.join(self.tmp, "s")
        p = self.ab("--base-arg=--primitive=tas", "--new-arg=--primitive=slowed_tas",
                    "--rounds", "10", "--seed", "42", "-o", folder, "--", *FAST_CASE)
        self.assertExit(p, 1)
        with open(os.path.join(folder, "ab.json")) as f:
            rep = json.load(f)
        (case,) = rep["cases"]
        self.assertEqual(case["verdict"], "worse")
        self.assertEqual(case["base_name"], case["name"].replace("slowed_tas", "tas"))
        tput = next(e for e in case["figures"] if e["figure"] == "throughput")
        self.assertEqual(tput["verdict"], "worse")
        self.assertEqual(tput["rounds"], 10)
        self.assertLess(tput["effect"], -0.1)
        self.assertLess(tput["ci"][1], 0)
        self.assertIn("FAIL", p.stdout)
        # The record: every round's order from the seed, its two files.
        with open(os.path.join(folder, "session.json")) as f:
            rec = json.load(f)
        self.assertEqual(rec["seed"], 42)
        self.assertEqual([r["round"] for r in rec["rounds"]], list(range(1, 11)))
        for r in rec["rounds"]:
            self.assertEqual(sorted(r["order"]), ["base", "new"])
            for side in ("base", "new"):
                self.assertTrue(os.path.isfile(r["files"][side]))
        self.assertGreater(len({tuple(r["order"]) for r in rec["rounds"]}), 1)
        # --analyse reads the same rounds to the same verdicts.
        again = self.run_script(AB, "--analyse", folder, "--json",
                                os.path.join(self.tmp, "again.json"))
        self.assertExit(again, 1)
        with open(os.path.join(self.tmp, "again.json")) as f:
            self.assertEqual(json.load(f)["cases"], rep["cases"])

    def test_same_seed_same_order(self):
        from contend_tools.ab_rounds import Session
        a = Session("x", {}, {}, [], {}, 12, 7).plan
        b = Session("y", {}, {}, [], {}, 12, 7).plan
        self.assertEqual(a, b)
        self.assertNotEqual(a, Session("z", {}, {}, [], {}, 12, 8).plan)

    def test_bad_input_is_one_line_and_keeps_the_rounds(self):
        self.assertOneLineError(self.run_script(AB, "--base", "/bin/ls", "--new", BIN, "--",
                                                *ONE_LOCK), "--base", "not a contend binary")
        self.assertOneLineError(self.run_script(AB, "--base", BIN, "--new",
                                                os.path.join(self.tmp, "none"), "--",
                                                *ONE_LOCK), "--new", "not an executable")
        self.assertOneLineError(self.ab("-q", "--", *ONE_LOCK, "-o", "x.json"), "-o",
                                "set by ab.py")
        self.assertOneLineError(self.ab("-q", "--rounds", "5", "--", *ONE_LOCK), "--rounds")
        # Different plans: found after the first round, whose files stay.
        folder = os.path.join(self.tmp, "plans")
        p = self.ab("-q", "--base-arg=--threads=1", "--new-arg=--threads=1,2", "-o", folder, "--",
                    *[a for a in ONE_LOCK if a not in ("--threads", "1")])
        self.assertOneLineError(p, "ran different cases", folder)
        self.assertTrue(os.path.isfile(os.path.join(folder, "round-01-base.json")))
        self.assertTrue(os.path.isfile(os.path.join(folder, "round-01-new.json")))
        with open(os.path.join(folder, "session.json")) as f:
            self.assertIn("different cases", json.load(f)["stopped"])
        # Measured differently: refused unless asked.
        folder = os.path.join(self.tmp, "measured")
        p = self.ab("-q", "--base-arg=--sample-every=1", "--new-arg=--sample-every=100", "-o", folder,
                    "--", *ONE_LOCK)
        self.assertOneLineError(p, "measure differently", "sample_every 1 vs 100")
        # A failing contend run (a bad argument) names its side and its message.
        p = self.ab("-q", "-o", os.path.join(self.tmp, "bad"), "--", *ONE_LOCK, "--pin", "sideways")
        self.assertOneLineError(p, "round 1", "contend run exited 2", "--pin")
        self.assertOneLineError(self.run_script(AB, "--analyse", self.tmp), "not an A/B session")


if __name__ == "__main__":
    unittest.main(verbosity=2)
