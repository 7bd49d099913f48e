#!/usr/bin/python3
"""Tests of scripts/compare.py and its modules (compare_stats, compare_load,
compare_verdict, compare_shape, compare_render): the statistics (exact test,
corrections, bootstrap interval), the gate, "same" only inside the interval
and "inconclusive" otherwise, refusing runs measured differently (machine or
measurement configuration), and the console / Markdown / JSON output.

    /usr/bin/python3 tests/test_compare.py [unittest options]

Real inputs: CONTEND_RESULT (a `contend run` result with 3 repetitions, from
the CTest fixture) and the committed reference run
results/reference/xeon-16vcpu-vm/locks-contention.json (5 repetitions, 266
cases); the tests that need one are skipped, saying so, when it is missing.
The rest build synthetic results (synthetic_results.py). Everything is
written under temporary folders.
"""
import json
import os
import random
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import ROOT, SCRIPTS, ToolCase  # noqa: E402
from synthetic_results import (LEVELS, context, measurement, samples_result,  # noqa: E402
                               scale_throughput, synthetic_result)

COMPARE = os.path.join(SCRIPTS, "compare.py")
REFERENCE = os.path.join(ROOT, "results", "reference", "xeon-16vcpu-vm", "locks-contention.json")
sys.path.insert(0, SCRIPTS)
from contend_tools import compare_stats as cs  # noqa: E402
from contend_tools.compare_load import Side, measurement_differences, measurement_of  # noqa: E402
from contend_tools.compare_verdict import Settings, compare, summarize  # noqa: E402

NO_REFERENCE = "no committed reference run at %s" % REFERENCE


def compare_json(test, base, new, *extra):
    """Run compare.py once: the console table on stdout, the JSON parsed."""
    out = os.path.join(test.tmp, "compare-out.json")
    if os.path.exists(out):
        os.remove(out)
    # The statistics of repetitions are what most tests here exercise: both
    # sides of a synthetic pair come from "one session".
    if "--runs-as-unit" in extra:
        extra = tuple(x for x in extra if x != "--runs-as-unit")
    else:
        extra = ("--one-session",) + tuple(extra)
    p = test.run_script(COMPARE, base, new, "--json", out, *extra)
    if p.returncode not in (0, 1):
        return p, None
    with open(out) as f:
        return p, json.load(f)


def figure_verdicts(report, figure):
    return [e["verdict"] for c in report["cases"] for e in c["figures"]
            if e["figure"] == figure]


# --- the statistics ---------------------------------------------------------

class StatsTest(unittest.TestCase):
    def test_exact_test_matches_scipy_without_ties(self):
        from scipy.stats import mannwhitneyu
        rng = random.Random(3)
        for _ in range(60):
            x = [rng.random() for _ in range(rng.randint(1, 9))]
            y = [rng.random() + 0.2 for _ in range(rng.randint(1, 9))]
            u, p = cs.mann_whitney(x, y)
            ref = mannwhitneyu(x, y, alternative="two-sided", method="exact")
            self.assertAlmostEqual(u, ref.statistic)
            self.assertAlmostEqual(p, ref.pvalue, places=12)

    def test_exact_test_with_ties_matches_enumeration(self):
        import itertools
        rng = random.Random(5)
        for _ in range(40):
            x = [rng.randint(0, 3) for _ in range(rng.randint(2, 6))]
            y = [rng.randint(1, 4) for _ in range(rng.randint(2, 6))]
            pooled = x + y
            if len(set(pooled)) == 1:
                continue
            ranks = {v: (sorted(pooled).index(v) + 1 + sorted(pooled).index(v)
                         + pooled.count(v)) / 2 for v in set(pooled)}
            r = [ranks[v] for v in pooled]
            mean = len(x) * (len(pooled) + 1) / 2
            obs = abs(sum(r[:len(x)]) - mean)
            sums = [abs(sum(r[i] for i in c) - mean)
                    for c in itertools.combinations(range(len(pooled)), len(x))]
            expected = sum(1 for s in sums if s >= obs - 1e-9) / len(sums)
            self.assertAlmostEqual(cs.mann_whitney(x, y)[1], expected, places=12, msg=(x, y))

    def test_smallest_p_and_repetitions(self):
        self.assertAlmostEqual(cs.min_p(5, 5), 2 / 252)
        self.assertAlmostEqual(cs.min_p(3, 3), 0.1)
        self.assertEqual(cs.mann_whitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])[1], cs.min_p(5, 5))
        self.assertEqual(cs.mann_whitney([1, 1, 1], [1, 1, 1])[1], 1.0)
        self.assertEqual(cs.repetitions_needed(0.05 / 266), 8)

    def test_corrections(self):
        p = [0.01, 0.04, 0.03, 0.5]
        for got, want in zip(cs.adjust(p, "bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.5]):
            self.assertAlmostEqual(got, want)
        for got, want in zip(cs.adjust(p, "holm"), [0.04, 0.09, 0.09, 0.5]):
            self.assertAlmostEqual(got, want)

    def test_bootstrap_interval_matches_scipy(self):
        """The percentile bootstrap of median(NEW)/median(BASE) - 1 with each
        side resampled on its own is scipy.stats.bootstrap(paired=False)."""
        import statistics
        from scipy.stats import bootstrap
        rng = random.Random(7)
        for n_b, n_n in ((8, 8), (5, 7)):  # even and odd sizes (median of two or one)
            b = [100 * rng.lognormvariate(0, 0.05) for _ in range(n_b)]
            n = [105 * rng.lognormvariate(0, 0.05) for _ in range(n_n)]
            ours = cs.bootstrap_change_ci(b, n, resamples=20000)
            ref = bootstrap((b, n), lambda x, y: statistics.median(y) / statistics.median(x) - 1,
                            paired=False, vectorized=False, method="percentile",
                            n_resamples=20000, random_state=1).confidence_interval
            self.assertAlmostEqual(ours[0], ref.low, delta=0.005)
            self.assertAlmostEqual(ours[1], ref.high, delta=0.005)
            effect = cs.relative_change(statistics.median(b), statistics.median(n))
            self.assertLess(ours[0], effect)
            self.assertGreater(ours[1], effect)

    def test_bootstrap_is_deterministic(self):
        rng = random.Random(9)
        b = [rng.gauss(100, 5) for _ in range(6)]
        n = [rng.gauss(100, 5) for _ in range(6)]
        first = cs.bootstrap_change_ci(b, n)
        random.seed(12345)  # the global generator has no say
        random.random()
        self.assertEqual(cs.bootstrap_change_ci(list(b), list(n)), first)
        self.assertEqual(cs.bootstrap_change_ci(b, n, seed=cs.BOOTSTRAP_SEED), first)
        self.assertNotEqual(cs.bootstrap_change_ci(b, n, seed=cs.BOOTSTRAP_SEED + 1), first)
        self.assertGreaterEqual(cs.BOOTSTRAP_RESAMPLES, 2000)
        # Edge cases: no spread is a zero-width interval, a missing side none.
        self.assertEqual(cs.bootstrap_change_ci([5.0] * 5, [5.0] * 5), (0.0, 0.0))
        self.assertIsNone(cs.bootstrap_change_ci([], [1.0]))
        self.assertIsNone(cs.bootstrap_change_ci([0.0] * 5, [1.0] * 5))


# --- the gate -----------------------------------------------------------------

class GateTest(ToolCase):
    def test_reference_20_percent_regression_fails_the_gate(self):
        if not os.path.isfile(REFERENCE):
            self.skipTest(NO_REFERENCE)
        with open(REFERENCE) as f:
            doc = json.load(f)
        new = self.write("new.json", scale_throughput(doc, 0.8, in_place=True))
        p, rep = compare_json(self, REFERENCE, new)
        self.assertExit(p, 1)
        tput = figure_verdicts(rep, "throughput")
        self.assertGreater(tput.count("worse"), len(tput) // 4, tput)
        self.assertNotIn("better", [c["verdict"] for c in rep["cases"]])
        for c in rep["cases"]:
            for e in c["figures"]:
                if e["verdict"] == "worse":
                    self.assertEqual(e["figure"], "throughput")
                    self.assertAlmostEqual(e["effect"], -0.2, places=6)
                    self.assertLessEqual(e["p_adjusted"], 0.05)
        self.assertEqual(rep["summary"]["gate"], "fail")
        self.assertIn("GATE: FAIL", p.stdout)

    def test_reference_resampled_twice_passes(self):
        """Both sides drawn (with replacement) from the same reference samples."""
        if not os.path.isfile(REFERENCE):
            self.skipTest(NO_REFERENCE)
        with open(REFERENCE) as f:
            doc = json.load(f)
        by_name = {}
        for r in doc["benchmarks"]:
            if r["run_type"] == "iteration":
                by_name.setdefault(r["name"], []).append(r)
        rng = random.Random(11)
        paths = []
        for side in ("a", "b"):
            # Rows are shared, not copied: json.dump writes each as often as it appears.
            d = dict(doc, benchmarks=[rng.choice(by_name[r["name"]]) for r in doc["benchmarks"]
                                      if r["run_type"] == "iteration"])
            paths.append(self.write(side + ".json", d))
        p, rep = compare_json(self, *paths)
        self.assertExit(p, 0)
        verdicts = [e["verdict"] for c in rep["cases"] for e in c["figures"]]
        self.assertNotIn("worse", verdicts)
        self.assertNotIn("better", verdicts)
        self.assertGreater(len(verdicts), 1000)

    def test_synthetic_regression_and_same_distribution(self):
        base = self.write("base.json", synthetic_result(LEVELS, seed=1))
        worse = self.write("worse.json", scale_throughput(synthetic_result(LEVELS, seed=1), 0.8))
        same = self.write("same.json", synthetic_result(LEVELS, seed=2))
        p, rep = compare_json(self, base, worse)
        self.assertExit(p, 1)
        self.assertEqual(set(figure_verdicts(rep, "throughput")), {"worse"})
        p, rep = compare_json(self, base, same)
        self.assertExit(p, 0)
        self.assertEqual(rep["summary"]["cases"]["worse"], 0)
        self.assertEqual(rep["summary"]["cases"]["better"], 0)

    def test_false_alarms_are_rare_over_many_draws(self):
        """40 pairs from one distribution (in-process, seeded): BH at 0.05 per
        figure should let at most a couple of them claim a change."""
        alarms = 0
        for seed in range(40):
            base = synthetic_result(LEVELS, cv=0.05, seed=100 + seed)
            new = synthetic_result(LEVELS, cv=0.05, seed=200 + seed)
            rep = compare(self._side("BASE", base, seed), self._side("NEW", new, seed),
                          Settings(min_effect=0.0))  # no effect floor: the test alone
            alarms += any(e["verdict"] in ("worse", "better")
                          for c in rep["cases"] for e in c["figures"])
        self.assertLessEqual(alarms, 3)

    def _side(self, label, doc, seed):
        return Side(label, [self.write("%s-%d.json" % (label, seed), doc)])

    def test_fewer_than_five_repetitions_is_not_comparable(self):
        for reps in (3, 4):
            base = self.write("b%d.json" % reps, synthetic_result(LEVELS, reps=reps, seed=1))
            new = self.write("n%d.json" % reps, scale_throughput(
                synthetic_result(LEVELS, reps=reps, seed=1), 0.5))
            p, rep = compare_json(self, base, new)
            self.assertExit(p, 0)
            self.assertEqual({c["verdict"] for c in rep["cases"]}, {"not comparable"})
            for c in rep["cases"]:
                self.assertIn("too few repetitions: %d vs %d" % (reps, reps), c["reason"])

    def test_real_three_repetition_result_is_not_comparable(self):
        real = self.real_result()
        with open(real) as f:
            doc = json.load(f)
        p, rep = compare_json(self, real, self.write("half.json", scale_throughput(doc, 0.5)))
        self.assertExit(p, 0)
        self.assertTrue(rep["cases"])
        self.assertEqual({c["verdict"] for c in rep["cases"]
                          if c["status"] == {"base": "ok", "new": "ok"}}, {"not comparable"})
        self.assertIn("too few repetitions: 3 vs 3", p.stdout)

    def test_queue_result_uses_each_scenario_primary_latency(self):
        """pingpong's first latency kind in the file is the cache-line floor
        (the writer sorts keys); the p99 compared must be the round trip."""
        real = self.real_result("CONTEND_QUEUE_RESULT")
        p, rep = compare_json(self, real, real)
        self.assertExit(p, 0)
        labels = {}
        for c in rep["cases"]:
            for e in c["figures"]:
                if e["figure"] == "p99":
                    labels.setdefault(c["scenario"], set()).add(e["label"])
        self.assertEqual(labels.get("queues.pingpong"), {"p99 round_trip"}, labels)
        # queues.throughput's latency is a sojourn time (queue depth): not gated.
        self.assertIsNone(labels.get("queues.throughput"), labels)

    def test_correctness_regression_fails_the_gate(self):
        base = self.write("base.json", synthetic_result(LEVELS, seed=1))
        both_bad = {("mcs", 1): "timeout"}
        new = self.write("new.json", synthetic_result(
            LEVELS, seed=2, statuses={("ticket", 2): "crashed", ("mcs", 1): "timeout"}))
        base_bad = self.write("base_bad.json", synthetic_result(LEVELS, seed=1,
                                                                statuses=both_bad))
        p, rep = compare_json(self, base_bad, new)
        self.assertExit(p, 1)
        by = {c["name"]: c for c in rep["cases"]}
        crashed = by["locks.contention/ticket/threads:2/cs_ns:100"]
        self.assertEqual(crashed["verdict"], "worse")
        self.assertIn("ok -> crashed", crashed["reason"])
        self.assertEqual(by["locks.contention/mcs/threads:1/cs_ns:100"]["verdict"],
                         "not comparable")
        p, rep = compare_json(self, new, base)  # crashed -> ok is a fix, not a failure
        self.assertExit(p, 0)
        self.assertEqual({c["name"]: c["verdict"] for c in rep["cases"]}[
            "locks.contention/ticket/threads:2/cs_ns:100"], "better")

    def test_different_machine(self):
        base = self.write("base.json", synthetic_result(LEVELS, seed=1))
        other = self.write("other.json", scale_throughput(synthetic_result(
            LEVELS, seed=1, ctx=context(host="elsewhere", cpus=64)), 0.8))
        p, rep = compare_json(self, base, other)
        self.assertExit(p, 0)
        self.assertEqual({c["verdict"] for c in rep["cases"]}, {"not comparable"})
        self.assertIn("different machine: host synth, 8 CPUs", rep["cases"][0]["reason"])
        self.assertIn("host elsewhere, 64 CPUs", rep["cases"][0]["reason"])
        p, rep = compare_json(self, base, other, "--allow-different-machine")
        self.assertExit(p, 1)
        worse = [e for c in rep["cases"] for e in c["figures"] if e["verdict"] == "worse"]
        self.assertTrue(worse)
        self.assertTrue(all(any("different machine" in n for n in e["notes"]) for e in worse))


class ReportingTest(ToolCase):
    def test_unmatched_cases_are_listed(self):
        levels_b = dict(LEVELS)
        levels_n = {k: v for k, v in LEVELS.items() if k != ("mcs", 4)}
        levels_n[("clh", 2)] = 1e6
        base = self.write("b.json", synthetic_result(levels_b, seed=1))
        new = self.write("n.json", synthetic_result(levels_n, seed=2))
        p, rep = compare_json(self, base, new)
        self.assertExit(p, 0)
        self.assertEqual(rep["only_in_base"], ["locks.contention/mcs/threads:4/cs_ns:100"])
        self.assertEqual(rep["only_in_new"], ["locks.contention/clh/threads:2/cs_ns:100"])
        self.assertIn("Only in BASE (1): locks.contention/mcs/threads:4/cs_ns:100", p.stdout)
        self.assertIn("Only in NEW (1): locks.contention/clh/threads:2/cs_ns:100", p.stdout)

    def test_console_and_markdown(self):
        levels = dict(LEVELS)
        levels[("evil|<b>x</b>", 1)] = 1e6
        base_doc = synthetic_result(levels, seed=1)
        new_doc = scale_throughput(synthetic_result(levels, seed=1), 0.8)
        # One case gets better, so that the order of the table shows.
        for r in new_doc["benchmarks"]:
            if r["primitive"] == "mcs" and r["threads"] == 1:
                r["metrics"]["throughput_ops_per_s"] *= 1.6
                r["items_per_second"] *= 1.6
        base, new = self.write("b.json", base_doc), self.write("n.json", new_doc)
        out_md, out_json = os.path.join(self.tmp, "c.md"), os.path.join(self.tmp, "c.json")
        p = self.run_script(COMPARE, base, new, "--md", out_md, "--json", out_json,
                            "--one-session")
        self.assertExit(p, 1)
        lines = p.stdout.splitlines()  # files asked for: the table still goes to stdout
        summary = [ln for ln in lines if ln.startswith("9 worse, 1 better, 0 same")]
        self.assertEqual(len(summary), 1, p.stdout)
        self.assertIn("GATE: FAIL", p.stdout)
        verdict_lines = [ln.split()[0] for ln in lines if "/threads:" in ln
                         and ln.split()[0] in ("WORSE", "BETTER", "SAME", "UNSTABLE")]
        self.assertEqual(verdict_lines, sorted(verdict_lines, key=lambda v: v != "WORSE"))
        self.assertEqual(verdict_lines[-1], "BETTER")
        with open(out_json) as f:
            self.assertEqual(json.load(f)["summary"]["exit_status"], 1)
        with open(out_md) as f:
            md = f.read()
        first = md.splitlines()[0]
        self.assertTrue(first.startswith("**9 worse, 1 better, 0 same, 0 unstable, "
                                         "0 inconclusive, 0 not comparable**"), first)
        # The change is printed with its bootstrap interval, in both formats.
        self.assertRegex(p.stdout, r"WORSE +-\d+\.\d% \[-\d+\.\d, -\d+\.\d\] +throughput")
        self.assertRegex(p.stdout, r"[\d.]+ M/s -> [\d.]+ M/s")  # values in their unit
        self.assertIn("| change [95% CI] |", md)
        self.assertRegex(md, r"\| -\d+\.\d% \[-\d+\.\d, -\d+\.\d\] \|")
        self.assertIn("gate: **FAIL**", first)
        self.assertNotIn("<b>x</b>", md)
        self.assertIn("evil\\|&lt;b&gt;x&lt;/b&gt;", md)
        # Every table row has the header's number of cells despite the '|'.
        rows = [ln for ln in md.splitlines() if ln.startswith("| ")]
        cells = {len(ln.replace("\\|", "").split("|")) for ln in rows}
        self.assertEqual(len(cells), 1, rows)
        alone = self.run_script(COMPARE, base, new, "--md", "--one-session")  # replaces the table
        self.assertExit(alone, 1)
        self.assertEqual(alone.stdout, md)

    def test_curve_shape_change(self):
        """The peak moves from 8 to 4 threads although no point moves by the
        5 % that would make it a verdict of its own."""
        b = {("mcs", t): v for t, v in ((1, 1.0e6), (2, 1.8e6), (4, 2.50e6), (8, 2.60e6),
                                        (16, 1.50e6))}
        n = {("mcs", t): v for t, v in ((1, 1.0e6), (2, 1.8e6), (4, 2.55e6), (8, 2.50e6),
                                        (16, 1.45e6))}
        base = self.write("b.json", synthetic_result(b, reps=5, cv=0.005, seed=1))
        new = self.write("n.json", synthetic_result(n, reps=5, cv=0.005, seed=2))
        p, rep = compare_json(self, base, new)
        self.assertExit(p, 0)
        # No point is worse or better on its own. The -4 % at 8 threads is
        # inconclusive, not same: its interval reaches beyond -5 %.
        tput = {c["params"]["threads"]: e for c in rep["cases"] for e in c["figures"]
                if e["figure"] == "throughput"}
        self.assertEqual({t: e["verdict"] for t, e in tput.items()},
                         {1: "same", 2: "same", 4: "same", 8: "inconclusive", 16: "same"})
        self.assertLess(tput[8]["ci"][0], -0.05)
        shape = [s for s in rep["shape"] if s["primitive"] == "mcs"]
        self.assertEqual(len(shape), 1)
        self.assertEqual(shape[0]["verdict"], "worse", shape[0])
        self.assertEqual(shape[0]["changes"], ["peak 8 -> 4 threads"])
        self.assertEqual((shape[0]["base"]["peak_threads"], shape[0]["new"]["peak_threads"]),
                         (8, 4))
        gated = self.run_script(COMPARE, base, new, "--gate-shape")
        self.assertExit(gated, 1)
        self.assertIn("FAIL: the curve shape got worse", gated.stdout)
        # Two flat tops swapping places by 1 % are not a shape change.
        flat = dict(b)
        flat[("mcs", 4)], flat[("mcs", 8)] = 2.60e6, 2.59e6
        p, rep = compare_json(self, base, self.write("f.json", synthetic_result(
            flat, reps=5, cv=0.005, seed=2)))
        self.assertEqual([s["verdict"] for s in rep["shape"]], [None])


# --- "same" needs the interval; "inconclusive" otherwise -----------------------

L = 1e6
NOISY = [0.90, 0.95, 1.00, 1.05, 1.10]  # CV 7.9 %: under the 10 % of "unstable"


def throughput_entries(report):
    return [e for c in report["cases"] for e in c["figures"] if e["figure"] == "throughput"]


class IntervalTest(ToolCase):
    def test_noisy_pair_with_equal_medians_is_inconclusive(self):
        base = self.write("b.json", samples_result({("mcs", 1): [L * v for v in NOISY]}))
        new = self.write("n.json", samples_result(
            {("mcs", 1): [L * v for v in (1.09, 0.91, 1.00, 0.96, 1.04)]}))
        p, rep = compare_json(self, base, new)
        self.assertExit(p, 0)  # inconclusive does not fail the gate
        e, = throughput_entries(rep)
        self.assertEqual(e["effect"], 0.0)
        self.assertEqual(e["verdict"], "inconclusive", e["reason"])
        self.assertTrue(e["ci"][0] < -0.05 or e["ci"][1] > 0.05, e["ci"])
        self.assertIn("reaches beyond +-5%", e["reason"])
        self.assertEqual(rep["cases"][0]["verdict"], "inconclusive")
        self.assertEqual(rep["summary"]["cases"]["inconclusive"], 1)
        self.assertEqual(rep["summary"]["gate"], "pass")
        self.assertIn("0 worse, 0 better, 0 same, 0 unstable, 1 inconclusive, "
                      "0 not comparable", p.stdout)
        self.assertRegex(p.stdout, r"INCONCLUSIVE +\+0\.0% \[-\d+\.\d, \+\d+\.\d\] +throughput")
        # Deterministic: another process, the same interval and verdicts.
        _, again = compare_json(self, base, new)
        self.assertEqual(throughput_entries(again)[0]["ci"], e["ci"])
        # A floor wider than the interval makes the same data "same".
        p, rep = compare_json(self, base, new, "--min-effect", "30%")
        self.assertEqual(throughput_entries(rep)[0]["verdict"], "same")

    def test_same_needs_the_interval_inside_the_floor(self):
        base = self.write("b.json", synthetic_result(LEVELS, cv=0.01, seed=1))
        new = self.write("n.json", synthetic_result(LEVELS, cv=0.01, seed=2))
        p, rep = compare_json(self, base, new, "--all")
        self.assertExit(p, 0)
        entries = [e for c in rep["cases"] for e in c["figures"]]
        self.assertEqual({e["verdict"] for e in entries}, {"same"})
        for e in entries:
            self.assertLess(-0.05, e["ci"][0], e)
            self.assertLess(e["ci"][1], 0.05, e)
            self.assertIn("CI", e["reason"])
            self.assertEqual(e["ci_improvement"],
                             e["ci"] if e["higher_is_better"] else [-e["ci"][1], -e["ci"][0]])
        self.assertRegex(p.stdout, r"SAME +[-+]\d+\.\d% \[[-+]\d+\.\d, [-+]\d+\.\d\]")

    def test_move_that_is_not_significant_is_inconclusive(self):
        """+6 % with 8 vs 8 samples, reachable but not significant: this
        used to be "same, within the noise"; the interval says it may well be
        a loss or gain of more than 5 %."""
        b = [L * (0.92 + 0.16 * i / 7) for i in range(8)]
        base = self.write("b.json", samples_result({("mcs", 1): b}))
        new = self.write("n.json", samples_result({("mcs", 1): [v * 1.06 for v in b]}))
        p, rep = compare_json(self, base, new, "--family", "case")
        self.assertExit(p, 0)
        e, = throughput_entries(rep)
        self.assertFalse(e["significant"])
        self.assertAlmostEqual(e["effect"], 0.06)
        self.assertEqual(e["verdict"], "inconclusive", e["reason"])
        self.assertIn("not significant", e["reason"])

    def test_case_verdict_and_table_order(self):
        """A case with an inconclusive figure is inconclusive unless a figure
        says more; the tables list it after unstable, before better."""
        from contend_tools.compare_verdict import CASE_PRECEDENCE, ORDER
        self.assertEqual(ORDER, ("worse", "not comparable", "unstable", "inconclusive",
                                 "better", "same"))
        self.assertLess(CASE_PRECEDENCE.index("not comparable"),
                        CASE_PRECEDENCE.index("inconclusive"))
        self.assertLess(CASE_PRECEDENCE.index("inconclusive"), CASE_PRECEDENCE.index("same"))
        report = {"cases": [{"verdict": "inconclusive"}], "shape": [],
                  "settings": {"gate_shape": False}, "only_in_base": [], "only_in_new": []}
        self.assertEqual(summarize(report)["exit_status"], 0)


# --- the run as the unit ----------------------------------------------------------

def runs_folder(test, name, factors, scale=1.0):
    """A folder of one synthetic run per factor: each run's level shifted by
    its factor (a session's mood), then all scaled by `scale`."""
    for i, f in enumerate(factors):
        doc = scale_throughput(synthetic_result(LEVELS, seed=100 + i), f * scale)
        test.write("%s/run-%d.json" % (name, i), doc)
    return os.path.join(test.tmp, name)


class RunsAsUnitTest(ToolCase):
    def test_one_run_per_side_never_alarms(self):
        """A 20 % move between two single runs is significant among their
        repetitions, and is still not an alarm: it could be the session."""
        base = self.write("b.json", synthetic_result(LEVELS, seed=1))
        new = self.write("n.json", scale_throughput(synthetic_result(LEVELS, seed=1), 0.8))
        p, rep = compare_json(self, base, new, "--runs-as-unit")
        self.assertExit(p, 0)
        tput = [e for c in rep["cases"] for e in c["figures"] if e["figure"] == "throughput"]
        self.assertEqual({e["verdict"] for e in tput}, {"inconclusive"})
        for e in tput:
            self.assertIn("one run per side cannot tell a change from a shift", e["reason"])
            self.assertEqual(e["sample_unit"], "repetitions of one run per side")

    def test_sessions_that_shift_are_not_a_change(self):
        """Three runs per side whose levels move by up to 12 % between
        sessions: the same build on both sides reads no change, where
        pooling their repetitions would have found one (--one-session)."""
        moods = [1.0, 1.12, 0.93]
        base = runs_folder(self, "base", moods)
        new = runs_folder(self, "new", [1.1, 0.95, 1.06])
        p, rep = compare_json(self, base, new, "--runs-as-unit")
        self.assertExit(p, 0)
        tput = [e for c in rep["cases"] for e in c["figures"] if e["figure"] == "throughput"]
        self.assertNotIn("worse", [e["verdict"] for e in tput])
        self.assertNotIn("better", [e["verdict"] for e in tput])
        self.assertEqual({e["sample_unit"] for e in tput}, {"runs (hierarchical bootstrap)"})
        self.assertEqual({(e["runs"]["base"], e["runs"]["new"]) for e in tput}, {(3, 3)})
        # Their first runs alone (1.12 against 1.1 x 0.95): significant among
        # the repetitions, an alarm if they were one session.
        one = [os.path.join(base, "run-1.json"), os.path.join(new, "run-1.json")]
        p, rep = compare_json(self, *one, "--one-session")
        self.assertIn("worse", figure_verdicts(rep, "throughput"))
        p, rep = compare_json(self, *one, "--runs-as-unit")
        self.assertExit(p, 0)
        self.assertNotIn("worse", figure_verdicts(rep, "throughput"))

    def test_a_change_beyond_the_sessions_spread_is_found(self):
        moods = [1.0, 1.02, 0.99, 1.01, 0.98]
        base = runs_folder(self, "base", moods)
        new = runs_folder(self, "new", moods, scale=0.8)
        p, rep = compare_json(self, base, new, "--runs-as-unit")
        self.assertExit(p, 1)
        self.assertEqual(set(figure_verdicts(rep, "throughput")), {"worse"})
        for c in rep["cases"]:
            e = next(e for e in c["figures"] if e["figure"] == "throughput")
            self.assertAlmostEqual(e["effect"], -0.2, delta=0.02)
            self.assertLess(e["ci"][0], e["effect"])
            self.assertGreater(e["ci"][1], e["effect"])

    def test_extended_windows_are_left_out_and_said(self):
        doc = synthetic_result(LEVELS, seed=1)
        rows = [r for r in doc["benchmarks"] if r["run_type"] == "iteration"]
        rows[0]["metrics"]["window_extended_ns"] = 4e6
        rows[0]["metrics"]["throughput_ops_per_s"] *= 0.1
        base = self.write("b.json", doc)
        new = self.write("n.json", synthetic_result(LEVELS, seed=1))
        p, rep = compare_json(self, base, new)
        case = next(c for c in rep["cases"] if c["name"] == rows[0]["run_name"])
        e = next(e for e in case["figures"] if e["figure"] == "throughput")
        self.assertEqual(e["base"]["n"], e["new"]["n"] - 1)
        self.assertIn("1 BASE repetition left out: window extended", e["notes"])

    def test_contends_outliers_are_said_beside_the_verdict(self):
        doc = synthetic_result(LEVELS, seed=1)
        doc["cases"][0]["outliers"] = [{"repetition": 3, "items_per_second": 1e6,
                                        "off_by": -0.11, "causes": ["window extended"]}]
        base = self.write("b.json", doc)
        new = self.write("n.json", synthetic_result(LEVELS, seed=2))
        p, rep = compare_json(self, base, new)
        case = next(c for c in rep["cases"] if c["name"] == doc["cases"][0]["name"])
        e = next(e for e in case["figures"] if e["figure"] == "throughput")
        self.assertIn("BASE outliers: repetition 3 -11% (window extended)", e["notes"])


# --- measured alike -------------------------------------------------------------

class MeasurementTest(ToolCase):
    def pair(self, base_measured, new_measured, *extra, new_ctx=None):
        """BASE and a 20 % slower NEW: exit 1 (worse) when compared, 0 with
        every case not comparable when refused."""
        base = self.write("mb.json", synthetic_result(LEVELS, seed=1,
                                                      ctx=context(measured=base_measured)))
        new = self.write("mn.json", scale_throughput(synthetic_result(
            LEVELS, seed=1, ctx=new_ctx or context(measured=new_measured)), 0.8))
        return compare_json(self, base, new, *extra)

    def assertRefused(self, p, rep, reason):
        self.assertExit(p, 0)
        self.assertEqual({c["verdict"] for c in rep["cases"]}, {"not comparable"})
        for c in rep["cases"]:
            self.assertTrue(c["case_level"])
            self.assertEqual(c["reason"], reason)
        self.assertIn("warning: %d cases were measured with different measurement "
                      "configurations" % len(LEVELS), p.stdout)
        # One folded line for the nine cases, naming the fields.
        self.assertIn("NOT COMPARABLE  %d cases: %s" % (len(LEVELS), reason), p.stdout)
        self.assertEqual({s["verdict"] for s in rep["shape"]}, {"not comparable"})

    def assertCompared(self, p, rep):
        self.assertExit(p, 1)
        self.assertEqual(set(figure_verdicts(rep, "throughput")), {"worse"})
        self.assertNotIn("measurement differs", p.stdout)
        self.assertNotIn("different measurement configurations", p.stdout)
        self.assertEqual([c for c in rep["cases"] if c["measurement_differs"]], [])

    def test_sample_every(self):
        p, rep = self.pair(measurement(sample_every=1), measurement(sample_every=1000))
        self.assertRefused(p, rep, "measurement differs: sample_every 1 vs 1000")
        p, rep = self.pair(measurement(sample_every="auto"), measurement(sample_every=1))
        self.assertRefused(p, rep, "measurement differs: sample_every auto vs 1")
        # The override compares anyway and says so on every figure and up front.
        p, rep = self.pair(measurement(sample_every=1), measurement(sample_every=1000),
                           "--allow-different-measurement")
        self.assertExit(p, 1)
        self.assertTrue(rep["settings"]["allow_different_measurement"])
        worse = [e for c in rep["cases"] for e in c["figures"] if e["verdict"] == "worse"]
        self.assertTrue(worse)
        for e in worse:
            self.assertIn("measurement differs: sample_every 1 vs 1000 (compared anyway: "
                          "--allow-different-measurement)", e["notes"])
        self.assertIn("verdicts computed anyway (--allow-different-measurement)", p.stdout)

    def test_pin(self):
        p, rep = self.pair(measurement(), measurement(pin="compact"))
        self.assertRefused(p, rep, "measurement differs: pin none vs compact")
        p, rep = self.pair(measurement(pin="0,2,4"), measurement(pin="0,1,2"))
        self.assertRefused(p, rep, 'measurement differs: pin "0,2,4" vs "0,1,2"')

    def test_protocol_version(self):
        p, rep = self.pair(measurement(), measurement(protocol_version=3))
        self.assertRefused(p, rep, "measurement differs: protocol_version 2 vs 3")

    def test_file_without_measurement_is_protocol_1(self):
        v1 = context(measured=False)
        v1["options"]["sample_every"] = "auto"  # only the protocol differs
        p, rep = self.pair(None, None, new_ctx=v1)
        self.assertRefused(p, rep, "measurement differs: protocol_version 2 vs 1")
        # Two older files still compare, on what their options say.
        base = self.write("v1b.json", synthetic_result(LEVELS, seed=1,
                                                       ctx=context(measured=False)))
        new = self.write("v1n.json", scale_throughput(synthetic_result(
            LEVELS, seed=1, ctx=context(measured=False)), 0.8))
        self.assertCompared(*compare_json(self, base, new))
        other = context(measured=False)
        other["options"]["sample_every"] = 1000
        new = self.write("v1o.json", synthetic_result(LEVELS, seed=1, ctx=other))
        p, rep = compare_json(self, base, new)
        self.assertEqual(rep["cases"][0]["reason"], "measurement differs: sample_every 1 vs 1000")

    def test_delay_calibration_tolerance(self):
        # 1.8 vs 2.0 is 11 % apart: within the default 25 %.
        self.assertCompared(*self.pair(measurement(),
                                       measurement(delay_iterations_per_ns=2.0)))
        p, rep = self.pair(measurement(), measurement(delay_iterations_per_ns=2.5))
        self.assertRefused(p, rep, "measurement differs: delay_iterations_per_ns 1.8 vs 2.5 "
                                   "(38.9% apart, tolerance 25%)")
        self.assertCompared(*self.pair(measurement(), measurement(delay_iterations_per_ns=2.5),
                                       "--delay-tolerance", "40%"))
        p, rep = self.pair(measurement(), measurement(delay_iterations_per_ns=1.85),
                           "--delay-tolerance", "0.02")
        self.assertEqual(rep["settings"]["delay_tolerance"], 0.02)
        self.assertIn("delay_iterations_per_ns 1.8 vs 1.85", rep["cases"][0]["reason"])

    def test_order_and_seed_do_not_matter(self):
        p, rep = self.pair(measurement(), measurement(order="sequential", seed=424242))
        self.assertCompared(p, rep)
        self.assertEqual(rep["new"]["measurements"][0]["order"], "sequential")
        self.assertEqual(rep["new"]["measurements"][0]["seed"], 424242)

    def test_every_differing_field_is_named(self):
        p, rep = self.pair(measurement(), measurement(
            sample_every=1000, latency_window_ns=5000000, duration_ns=200000000,
            warmup_ns=10000000, build_type="Debug", cxx_flags="-O3 -DNDEBUG",
            sanitizer="address", order="sequential"))
        self.assertRefused(p, rep, "measurement differs: sample_every auto vs 1000, "
                                   "latency_window_ns 20000000 vs 5000000, "
                                   "duration_ns 100000000 vs 200000000, "
                                   "warmup_ns 0 vs 10000000, build_type Release vs Debug, "
                                   'cxx_flags -O2 vs "-O3 -DNDEBUG", sanitizer null vs address')

    def test_another_machine_and_measurement_both_named(self):
        p, rep = self.pair(None, None, new_ctx=context(host="elsewhere",
                                                        measured=measurement(pin="scatter")))
        self.assertExit(p, 0)
        reason = rep["cases"][0]["reason"]
        self.assertIn("different machine: host synth", reason)
        self.assertIn("; measurement differs: pin none vs scatter", reason)

    def test_another_machine_may_have_another_delay_calibration(self):
        """--allow-different-machine accepts that machine's busy-loop speed
        (flagged), not another sample_every."""
        fast = context(host="elsewhere", measured=measurement(delay_iterations_per_ns=3.6))
        p, rep = self.pair(None, None, new_ctx=fast)
        self.assertExit(p, 0)
        self.assertIn("delay_iterations_per_ns 1.8 vs 3.6", rep["cases"][0]["reason"])
        p, rep = self.pair(None, None, "--allow-different-machine", new_ctx=fast)
        self.assertExit(p, 1)
        e = throughput_entries(rep)[0]
        self.assertEqual(e["verdict"], "worse")
        self.assertIn("delay calibration differs (another machine, compared anyway: "
                      "--allow-different-machine)", e["notes"])
        self.assertNotIn("different measurement configurations", p.stdout)
        fast["measurement"]["sample_every"] = 1000
        p, rep = self.pair(None, None, "--allow-different-machine", new_ctx=fast)
        self.assertRefused(p, rep, "measurement differs: sample_every auto vs 1000")

    def test_pooled_files_must_agree(self):
        folder = os.path.join(self.tmp, "pool")
        self.write("pool/a.json", synthetic_result(LEVELS, seed=1))
        self.write("pool/b.json", synthetic_result(
            LEVELS, seed=3, ctx=context(measured=measurement(sample_every=1000))))
        new = self.write("new.json", synthetic_result(LEVELS, seed=2))
        p, rep = compare_json(self, folder, new)
        self.assertExit(p, 0)
        self.assertEqual({c["verdict"] for c in rep["cases"]}, {"not comparable"})
        self.assertEqual(rep["cases"][0]["reason"],
                         "measurement differs within BASE (pooled files): "
                         "sample_every auto vs 1000")
        self.assertIn("their samples are pooled; %d of them measured differently" % len(LEVELS),
                      p.stdout)
        self.assertEqual(len(rep["base"]["measurements"]), 2)
        # Pooled files that differ only in order and seed pool.
        self.write("pool/b.json", synthetic_result(
            LEVELS, seed=3, ctx=context(measured=measurement(order="sequential", seed=7))))
        p, rep = compare_json(self, folder, new)
        self.assertExit(p, 0)
        self.assertNotIn("not comparable", {c["verdict"] for c in rep["cases"]})
        self.assertNotIn("measured differently", p.stdout)

    def test_measurement_of_older_files(self):
        got = dict(measurement_of(context(measured=False)))
        self.assertEqual(got, {"protocol_version": 1, "sample_every": 1,
                               "latency_window_ns": None, "duration_ns": 100000000,
                               "warmup_ns": 0, "pin": "none", "build_type": "Release",
                               "cxx_flags": "-O2", "sanitizer": None,
                               "delay_iterations_per_ns": 1.8, "order": None, "seed": None,
                               # recorded since protocol 4: unknown here
                               "compiler": None, "peer_libraries": None, "kernel": None,
                               "placement": None})
        m = measurement_of(context())
        self.assertEqual(dict(m)["protocol_version"], 2)
        self.assertEqual(measurement_differences(m, m), [])
        # 1e8 and 100000000 are the same window; true is not 1.
        as_float = measurement_of(context(measured=measurement(duration_ns=1e8)))
        self.assertEqual(measurement_differences(m, as_float), [])
        odd = measurement_of(context(measured=measurement(warmup_ns=True)))
        self.assertEqual(measurement_differences(
            measurement_of(context(measured=measurement(warmup_ns=1))), odd),
            ["warmup_ns 1 vs true"])


class BadInputTest(ToolCase):
    def test_bad_files_exit_2_with_one_line(self):
        good = self.write("good.json", synthetic_result(LEVELS, seed=1))
        raw = json.dumps(synthetic_result(LEVELS, seed=1))
        cases = {
            "truncated.json": (raw[:len(raw) // 2], "truncated"),
            "malformed.json": ("{\"context\": oops}", "not JSON"),
            "other.json": ('{"a": 1}', "not a contend result"),
            "empty.json": ("", "empty"),
            "list.json": ("[1, 2]", "not a contend result"),
        }
        for i, (name, (content, why)) in enumerate(cases.items()):
            with self.subTest(file=name):
                bad = self.write(name, content)
                args = (good, bad) if i % 2 else (bad, good)  # either side
                self.assertOneLineError(self.run_script(COMPARE, *args), bad, why)
        self.assertOneLineError(self.run_script(COMPARE, good, os.path.join(self.tmp, "no.json")),
                                "no such file")
        self.assertOneLineError(self.run_script(COMPARE, good), "NEW")
        self.assertOneLineError(self.run_script(COMPARE, good, good, "--min-effect", "x"),
                                "--min-effect")

    def test_rows_of_the_wrong_shape(self):
        doc = synthetic_result(LEVELS, seed=1)
        doc["benchmarks"][0]["metrics"] = "fast"
        doc["cases"][0]["params"] = [1, 2]
        p = self.run_script(COMPARE, self.write("a.json", synthetic_result(LEVELS, seed=2)),
                            self.write("odd.json", doc))
        self.assertIn(p.returncode, (0, 1, 2))
        self.assertNotIn("Traceback", p.stderr)

    def test_folders(self):
        folder = os.path.join(self.tmp, "ref")
        self.write("ref/run.json", synthetic_result(LEVELS, seed=1))
        self.write("ref/micro.json", '{"context": {}, "benchmarks": []}')
        new = self.write("new.json", synthetic_result(LEVELS, seed=2))
        p, rep = compare_json(self, folder, new)
        self.assertExit(p, 0)
        self.assertEqual(len(rep["base"]["skipped"]), 1)
        self.assertEqual(len(rep["cases"]), len(LEVELS))
        self.write("ref/broken.json", '{"context": {"schema_version": 1}, "benchmarks": [')
        self.assertOneLineError(self.run_script(COMPARE, folder, new), "broken.json",
                                "truncated")
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        self.assertOneLineError(self.run_script(COMPARE, empty, new), "no contend result")
        disjoint = self.write("disjoint.json", synthetic_result({("x", 1): 1e6}, seed=1))
        self.assertOneLineError(self.run_script(COMPARE, new, disjoint), "no case in common")


if __name__ == "__main__":
    unittest.main(verbosity=2)
