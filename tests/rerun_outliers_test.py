#!/usr/bin/python3
"""`contend run --rerun-outliers` against its deliberately broken control:
test_slow_once (test-only) is 2 us slower per operation in the first child
that uses it, so its first repetition is an outlier by construction; the
option must rerun it and keep the outlier in the case's `reruns`.

Run alone (CTest RUN_SERIAL): with another test on the second of two CPUs
the other repetitions spread so far that not even a 5x slower one stands
out by 3 robust sigmas.

    CONTEND_BIN=build/contend /usr/bin/python3 tests/rerun_outliers_test.py
"""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import TempResult, iterations, load, run  # noqa: E402


class RerunOutliers(TempResult):
    def test_rerun_outliers_replaces_the_slow_repetition(self):
        """test_slow_once is 2 us slower per operation in the first child
        only: its repetition is named an outlier; --rerun-outliers runs it
        again, keeps the rerun in its place and the outlier in `reruns`."""
        flag = self.out + ".slow-once"
        argv = ["run", "locks.contention", "--primitive", "test_slow_once", "--threads", "1",
                "--duration", "20ms", "--warmup", "5ms", "--repetitions", "5", "--quiet",
                "--order", "sequential", "-o", self.out]
        env = {"CONTEND_TEST_PRIMITIVES": "1", "CONTEND_TEST_SLOW_ONCE": flag}
        p = run(argv, env_extra=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        (case,) = load(self.out)["cases"]
        first = {o["repetition"]: o for o in case["outliers"]}
        self.assertIn(0, first, case["outliers"])
        self.assertLess(first[0]["off_by"], -0.5)
        self.assertEqual(case["reruns"], [])
        os.remove(flag)
        p = run(argv + ["--rerun-outliers"], env_extra=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        (case,) = doc["cases"]
        # Repetition 0 was rerun (another may have been too: this VM has odd
        # slow moments of its own).
        reruns = {r["repetition"]: r for r in case["reruns"]}
        self.assertIn(0, reruns, case["reruns"])
        rerun = reruns[0]
        rows = iterations(doc)
        self.assertEqual([r.get("rerun", False) for r in rows], [i in reruns for i in range(5)])
        # The rerun ran at full speed (it can still be this VM's odd slow
        # moment, so not "no outlier left": 2x is what the control's 2 us add).
        self.assertGreater(rows[0]["items_per_second"], 2 * rerun["sample"]["items_per_second"])
        self.assert_valid(self.out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
