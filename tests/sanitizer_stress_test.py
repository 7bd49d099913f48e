#!/usr/bin/env python3
"""`contend stress` in a sanitizer build (CONTEND_SANITIZE=address or thread):
a short run over every default target finds nothing, and the sanitizer
detector is proven by its control (address: a lock that reads past a heap
array once; thread: a lock that bumps a plain counter outside the lock),
whose failure carries the runtime's report. The runtime's other findings
stop the process (harness/sanitizer_defaults.cpp), so any report during the
healthy run fails it.

Run by CTest with CONTEND_BIN and CONTEND_SANITIZE in the environment; the
healthy run's budget comes from CONTEND_SANITIZER_STRESS (default 30s)."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stress_test import TEST_PRIMITIVES, StressCase  # noqa: E402

SANITIZER = os.environ.get("CONTEND_SANITIZE", "")
BUDGET = os.environ.get("CONTEND_SANITIZER_STRESS", "30s")
CONTROL = {"address": ("test_overflows", "AddressSanitizer: heap-buffer-overflow"),
           "thread": ("test_races", "ThreadSanitizer: data race")}


@unittest.skipUnless(SANITIZER in CONTROL, "registered only in sanitizer builds")
class UnderSanitizer(StressCase):
    def test_default_targets_run_clean(self):
        p = self.stress(["--for", BUDGET, "--seed", "1"], timeout=600)
        doc = self.report()
        self.assertEqual(p.returncode, 0, [(f["case"], f["detector"], f["detail"], f["stacks"])
                                           for f in doc["failures"]])
        self.assertTrue(doc["context"]["complete"])
        self.assertEqual(doc["context"]["sanitizer"], SANITIZER)
        # Every default target got its turn (round robin), even under the
        # sanitizer's slowdown.
        self.assertTrue(all(t["trials"] > 0 for t in doc["summary"]["targets"]),
                        [t for t in doc["summary"]["targets"] if not t["trials"]])

    def test_the_control_is_caught_with_the_runtime_report(self):
        primitive, finding = CONTROL[SANITIZER]
        f = self.catches({"scenario": "locks.contention", "primitive": primitive,
                          "detector": "sanitizer", "detail": finding, "budget_s": 60,
                          "test_primitives": True})
        self.assertIn("test_only_locks.hpp", f["stacks"])  # the frame of the bug, with its line


if __name__ == "__main__":
    unittest.main()
