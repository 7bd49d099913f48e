#!/usr/bin/env python3
"""End-to-end tests of the contend binary: exit statuses, one-line errors,
isolation (timeout, crash), validation catching a broken lock, Ctrl-C, the
result file's shape, and Google Benchmark's compare.py reading it.

Run by CTest with CONTEND_BIN (the binary) and CONTEND_RESULT (a result made
by the e2e_make_result fixture) in the environment."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import BIN, DELAY_KEYS, TempResult, load, run  # noqa: E402

RESULT = os.environ.get("CONTEND_RESULT")
COMPARE = "/usr/share/benchmark/compare.py"
FAST = ["--duration", "20ms", "--warmup", "5ms", "--repetitions", "2", "--quiet"]


def case_status(doc, primitive):
    return [c["status"] for c in doc["cases"] if c["primitive"] == primitive]


class BadInput(TempResult):
    CASES = [
        (["run", "bogus"], "bogus"),
        (["run", "locks.contention", "--threads", "0"], "--threads"),
        (["run", "locks.contention", "--threads", "1,,2"], "--threads"),
        (["run", "locks.contention", "--threads", "8..2"], "--threads"),
        (["run", "locks.contention", "--primitive", "nope"], "--primitive"),
        (["run", "locks.contention", "--set", "nope=1"], "--set"),
        (["run", "locks.contention", "--set", "cs_ns=abc"], "cs_ns"),
        (["run", "locks.contention", "--set", "cs_ns=-5"], "cs_ns"),
        (["run", "locks.contention", "--set", "relax=spin"], "relax"),
        (["run", "locks.contention", "--set", "cs_ns"], "--set"),
        (["run", "locks.contention", "--duration", "5"], "--duration"),
        (["run", "locks.contention", "--warmup", "soon"], "--warmup"),
        (["run", "locks.contention", "--repetitions", "0"], "--repetitions"),
        (["run", "locks.contention", "--repetitions", "many"], "--repetitions"),
        (["run", "locks.contention", "--pin", "weird"], "--pin"),
        (["run", "locks.contention", "--pin", "9999"], "--pin"),
        (["run", "locks.contention", "--preset", "huge"], "--preset"),
        (["run", "locks.contention", "--isolate", "thread"], "--isolate"),
        (["run", "locks.contention", "--order", "random"], "--order"),
        (["run", "locks.contention", "--sample-every", "0"], "--sample-every"),
        (["run", "locks.contention", "--sample-every", "often"], "--sample-every"),
        (["run", "locks.contention", "--latency-window", "soon"], "--latency-window"),
        (["run", "locks.contention", "--bogus-flag"], "bogus-flag"),
        (["run", "locks.contention", "-o", "/nonexistent-dir/x.json"], "-o"),
        (["run", "locks.contention", "--case-timeout", "500us"], "--case-timeout"),
        (["run", "locks.contention", "--primitive", "array", "--threads", "300"], "at most 256"),
        (["run", "queues.throughput", "--threads", "2"], "--threads"),
        (["run", "queues.throughput", "--set", "capacity=0"], "capacity"),
        (["run", "queues.throughput", "--primitive", "spsc_ring", "--set", "producers=2"], "spsc"),
        (["run", "queues.throughput", "--primitive", "moodycamel", "--set", "wait=block"], "block"),
        (["run", "queues.throughput", "--primitive", "boost_queue", "--set", "capacity=100000"],
         "65534"),
        (["run", "queues.throughput", "--set", "payload_bytes=4096"], "payload_bytes"),
        # No primitive named, every point refused: the line says why.
        (["run", "threads.pool", "--set", "task_ns=10ms", "--set", "inflight=1000"],
         "draining"),
        (["frobnicate"], "frobnicate"),
        (["list", "--xml"], "--xml"),
        (["micro", "--no-such-flag"], "--no-such-flag"),
    ]

    def test_each_bad_input_exits_2_with_one_line(self):
        self.assert_refused(self.CASES)

    def test_unwritable_output_directory_exits_2_before_running(self):
        # /proc refuses new files even to root, unlike a chmod-ed directory.
        p = run(["run", "locks.contention", "-o", "/proc/contend-result.json"] + FAST)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("-o", p.stderr)
        self.assertFalse(os.path.exists("/proc/contend-result.json"))


class Runs(TempResult):
    def test_repetitions_interleave_and_the_order_is_recorded(self):
        def steps(order):
            p = run(["run", "locks.contention", "--primitive", "tas,ticket", "--threads", "1",
                     "--duration", "5ms", "--warmup", "1ms", "--repetitions", "3",
                     "--order", order, "--seed", "7", "--quiet", "-o", self.out])
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = load(self.out)
            self.assertEqual(doc["context"]["options"]["order"], order)
            self.assertEqual(doc["context"]["measurement"]["seed"], 7)
            rows = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
            # Rows come out in plan order whatever order they ran in.
            self.assertEqual([r["primitive"] for r in rows], ["tas"] * 3 + ["ticket"] * 3)
            return {p: sorted(r["run_step"] for r in rows if r["primitive"] == p)
                    for p in ("tas", "ticket")}
        seq = steps("sequential")
        self.assertEqual(seq, {"tas": [0, 1, 2], "ticket": [3, 4, 5]})
        inter = steps("interleaved")
        # Round r runs repetition r of both cases: each case takes one of
        # steps 2r and 2r+1.
        for p in ("tas", "ticket"):
            self.assertEqual([s // 2 for s in inter[p]], [0, 1, 2], inter)


    def test_issue_example_27_samples(self):
        p = run(["run", "locks.contention", "--primitive", "mcs,ticket,std_mutex", "--threads", "1,2,4",
                 "--set", "cs_ns=100", "--set", "think_ns=200", "--duration", "100ms",
                 "--repetitions", "3", "--quiet", "-o", self.out])
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        samples = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        self.assertEqual(len(samples), 27)
        self.assertTrue(any(b["run_type"] == "aggregate" for b in doc["benchmarks"]))
        for s in samples:
            self.assertEqual(len(s["per_thread"]), s["threads"])
            # Null only with its reason: a collapsed (oversubscribed) case
            # can finish too few operations per thread for the index to mean
            # anything.
            if s["metrics"]["jain_index"] is None:
                self.assertIn("too few operations", s["metrics"]["fairness_null_reason"])
            else:
                self.assertIsNone(s["metrics"]["fairness_null_reason"])
            self.assertIn("handoff_rate", s["metrics"])
            self.assertGreaterEqual(s["metrics"]["longest_same_owner_run"], 1)
            # Scenario figures are attributed to the window per batch (at most
            # 256 operations), the window's count by the coordinator's
            # snapshots: they agree to within a batch.
            self.assertLessEqual(s["metrics"]["longest_same_owner_run"], s["iterations"] + 256)
            self.assertIn("p99", s["latency"]["acquire_wait"])
            self.assertTrue(s["validation"]["ok"])
            self.assertEqual(s["oversubscribed"], s["threads"] > doc["context"]["num_cpus"])
        self.assertTrue(doc["context"]["complete"])
        self.assert_valid(self.out)

    def test_broken_lock_is_caught(self):
        # Overlaps need two threads between the check and the set at once.
        # relax=yield puts a yield in that window, so even on a loaded
        # machine where the threads seldom run together, one thread gives
        # the CPU to another right inside the window.
        p = run(["run", "locks.contention", "--primitive", "broken_tas,ttas", "--threads", "4",
                 "--set", "cs_ns=200", "--set", "think_ns=0", "--set", "relax=yield",
                 "--duration", "30ms", "--warmup", "5ms",
                 "--repetitions", "6", "--quiet", "-o", self.out])
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "broken_tas"), ["invalid"])
        self.assertEqual(case_status(doc, "ttas"), ["ok"])
        bad = [b for b in doc["benchmarks"] if b["primitive"] == "broken_tas" and b["run_type"] == "iteration"]
        self.assertTrue(any(b["validation"]["checks"]["mutual_exclusion_violations"] > 0 for b in bad))
        self.assert_valid(self.out)

    def test_broken_rw_lock_is_caught(self):
        p = run(["run", "locks.rw", "--primitive", "broken_rw,rw_spin", "--threads", "4",
                 "--set", "read_pct=50", "--set", "cs_ns=200", "--set", "think_ns=0",
                 "--duration", "50ms", "--warmup", "5ms", "--repetitions", "3", "--quiet",
                 "-o", self.out])
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "broken_rw"), ["invalid"])
        self.assertEqual(case_status(doc, "rw_spin"), ["ok"])
        # An untrusted case keeps its samples but gets no aggregate rows.
        agg = [b for b in doc["benchmarks"] if b["primitive"] == "broken_rw" and b["run_type"] == "aggregate"]
        self.assertEqual(agg, [])

    def test_repeated_values_make_one_case(self):
        p = run(["run", "locks.contention", "--primitive", "ticket", "--threads", "2,2,1..2",
                 "--set", "relax=pause,none", "--primitive", "std_mutex", "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        names = [c["name"] for c in load(self.out)["cases"]]
        self.assertEqual(len(names), len(set(names)))
        # relax does not apply to std_mutex: no relax:none case for it
        self.assertEqual(len(names), 2 * 2 + 2, names)

    def test_pinning_two_threads_on_one_cpu_is_oversubscribed(self):
        p = run(["run", "locks.contention", "--primitive", "std_mutex", "--threads", "2", "--pin", "0",
                 "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = [b for b in load(self.out)["benchmarks"] if b["run_type"] == "iteration"][0]
        self.assertTrue(s["oversubscribed"])
        self.assertEqual(s["thread_cpus"], [0, 0])
        self.assertTrue(all(t["pinned"] for t in s["per_thread"]))

    def test_broken_queue_is_caught_and_queues_validate(self):
        p = run(["run", "queues.throughput", "--primitive", "broken_queue,mpmc_ring,mutex_priority",
                 "--set", "producers=2", "--set", "consumers=2", "--duration", "50ms", "--warmup",
                 "5ms", "--repetitions", "2", "--quiet", "-o", self.out])
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "broken_queue"), ["invalid"])
        self.assertEqual(case_status(doc, "mpmc_ring"), ["ok"])
        self.assertEqual(case_status(doc, "mutex_priority"), ["ok"])
        rows = [b for b in doc["benchmarks"] if b["primitive"] == "mpmc_ring" and b["run_type"] == "iteration"]
        for r in rows:
            self.assertEqual([t["role"] for t in r["per_thread"]], ["producer"] * 2 + ["consumer"] * 2)
            self.assertEqual(r["validation"]["checks"]["lost_or_duplicated"], 0)
            self.assertIn("p99", r["latency"]["sojourn"])
        self.assert_valid(self.out)

    def test_pipeline_routes_every_item_exactly_once(self):
        p = run(["run", "queues.pipeline", "--primitive", "mpmc_ring,mutex_fifo", "--set",
                 "workers=1,2", "--set", "wait=yield", "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "mpmc_ring"), ["ok", "ok"])
        self.assertEqual(case_status(doc, "mutex_fifo"), ["ok", "ok"])
        rows = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        self.assertEqual(len(rows), 8)
        for r in rows:
            workers = r["params"]["workers"]
            self.assertEqual([t["role"] for t in r["per_thread"]],
                             ["source", "router"] + ["worker"] * workers + ["sink"])
            # Only the sink counts: throughput is items that left the pipeline.
            self.assertEqual(r["iterations"], r["per_thread"][-1]["ops"])
            checks = r["validation"]["checks"]
            self.assertEqual(checks["lost_or_duplicated"], 0)
            self.assertEqual(checks["checksum_mismatches"], 0)
            self.assertEqual(checks["order_violations"], 0)
            self.assertTrue(checks["fifo_checked"])
            self.assertGreater(checks["sent"], 0)
            for stage in ("input", "workers", "merge"):
                self.assertIn("occupancy_p50_" + stage, r["metrics"])
            for role in ("source", "router", "worker", "sink"):
                self.assertIn("failed_per_item_" + role, r["metrics"])
                # Fairness per role is the harness's (null below its fair share).
                self.assertIn(role + "_jain_index", r["metrics"])
            self.assertIn("end_to_end", r["latency"])
            # The harness's delay, calibrated and timed on the workers in the case.
            work = r["delays"]["work_ns"]
            self.assertEqual(work["requested"], 200)
            self.assertEqual(set(work), DELAY_KEYS)
            self.assertGreater(work["iterations_per_ns"], 0)
            if work["samples"]:
                self.assertGreater(work["achieved"], 0)
        self.assert_valid(self.out)

    def test_broken_queue_is_caught_in_the_pipeline(self):
        # broken_queue misbehaves every ~10,000 items per queue; yield (not
        # spin) with no busy work moves ~20x more items on an oversubscribed
        # machine, so every repetition passes that many through the input queue.
        p = run(["run", "queues.pipeline", "--primitive", "broken_queue", "--set", "workers=2",
                 "--set", "wait=yield", "--set", "work_ns=0", "--duration", "50ms", "--warmup", "5ms", "--repetitions", "2", "--quiet",
                 "-o", self.out])
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "broken_queue"), ["invalid"])
        self.assert_valid(self.out)

    def test_pingpong_reports_the_cache_line_floor(self):
        p = run(["run", "queues.pingpong", "--primitive", "spsc_ring,mutex_fifo", "--set",
                 "wait=yield", "--duration", "60ms", "--warmup", "5ms", "--repetitions", "2",
                 "--quiet", "-o", self.out])
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [b for b in load(self.out)["benchmarks"] if b["run_type"] == "iteration"]
        self.assertEqual(len(rows), 4)
        for r in rows:
            self.assertIn("cache_line_round_trip", r["latency"])
            self.assertIn("floor_rtt_p50_ns", r["metrics"])
        # On a loaded machine one window may see no bounce; not all of them.
        self.assertTrue(any((r["metrics"]["floor_rtt_p50_ns"] or 0) > 0 for r in rows))

    def test_paced_stamps_the_schedule(self):
        p = run(["run", "queues.paced", "--primitive", "mpmc_ring", "--set", "rate=10000,200000",
                 "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = [b for b in load(self.out)["benchmarks"] if b["run_type"] == "iteration"]
        self.assertEqual(len(rows), 4)
        for r in rows:
            self.assertEqual(r["metrics"]["offered_items_per_s"], r["params"]["rate"])
            self.assertIsNotNone(r["metrics"]["achieved_over_offered"])
            # Open loop: at 10k/s over 20 ms a producer sends ~200 messages,
            # never thousands (a closed loop would).
            self.assertLess(r["iterations"], r["params"]["rate"] * 0.2)

    def test_hang_is_timeout_and_the_run_goes_on(self):
        p = run(["run", "locks.contention", "--primitive", "test_never_releases,std_mutex",
                 "--threads", "2", "--case-timeout", "2s", "-o", self.out] + FAST,
                env_extra={"CONTEND_TEST_PRIMITIVES": "1"})
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        self.assertEqual(case_status(doc, "test_never_releases"), ["timeout"])
        self.assertEqual(case_status(doc, "std_mutex"), ["ok"])
        self.assert_valid(self.out)

    def test_crash_is_reported_with_its_signal(self):
        p = run(["run", "locks.contention", "--primitive", "test_crashes,std_mutex", "--threads", "1",
                 "-o", self.out] + FAST, env_extra={"CONTEND_TEST_PRIMITIVES": "1"})
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        crashed = [c for c in doc["cases"] if c["primitive"] == "test_crashes"]
        self.assertEqual(crashed[0]["status"], "crashed")
        self.assertTrue(crashed[0]["signal"] or crashed[0]["detail"])
        self.assertEqual(case_status(doc, "std_mutex"), ["ok"])

    def test_test_primitives_are_hidden_by_default(self):
        p = run(["run", "locks.contention", "--primitive", "test_crashes", "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 2)

    def test_ctrl_c_leaves_valid_partial_json(self):
        proc = subprocess.Popen([BIN, "run", "locks.contention", "--threads", "1,2",
                                 "--duration", "50ms", "--warmup", "5ms", "--repetitions", "2",
                                 "--quiet", "-o", self.out],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if len(load(self.out)["cases"]) >= 2:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        doc = load(self.out)
        self.assertFalse(doc["context"]["complete"])
        self.assertGreaterEqual(len(doc["cases"]), 2)
        self.assertLess(len(doc["cases"]), 40)
        self.assert_valid(self.out)

    def test_pinning_is_recorded(self):
        p = run(["run", "locks.contention", "--primitive", "ticket", "--threads", "2", "--pin", "compact",
                 "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = [b for b in load(self.out)["benchmarks"] if b["run_type"] == "iteration"][0]
        self.assertEqual(len(s["thread_cpus"]), 2)

    def test_sweeping_relax_and_rw(self):
        p = run(["run", "locks", "--primitive", "ttas,rw_spin", "--threads", "2", "--set",
                 "relax=none,yield", "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        names = {c["name"] for c in doc["cases"]}
        self.assertIn("locks.contention/ttas/threads:2/cs_ns:100/think_ns:400/relax:yield", names)
        rw = [b for b in doc["benchmarks"] if b["scenario"] == "locks.rw" and b["run_type"] == "iteration"]
        self.assertTrue(rw and all("write_wait" in b["latency"] for b in rw))


class Commands(unittest.TestCase):
    def test_list_text_and_json(self):
        p = run(["list"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("locks.contention", p.stdout)
        self.assertNotIn("broken_tas", p.stdout)
        doc = json.loads(run(["list", "--json", "--all"]).stdout)
        names = {x["name"] for x in doc["primitives"]}
        self.assertTrue({"mcs", "clh", "futex_mutex", "none", "broken_tas"} <= names)
        for x in doc["primitives"]:
            # The no-lock baselines ("free": the same work with no lock)
            # hold nothing; everything else is a real object with a size.
            if x["family"] == "free":
                self.assertEqual(x["size_bytes"], 0, x["name"])
            else:
                self.assertGreater(x["size_bytes"], 0, x["name"])

    def test_env_json(self):
        p = run(["env", "--json"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("num_cpus", json.loads(p.stdout))

    def test_micro_honours_json_format(self):
        p = run(["micro", "--benchmark_filter=lock/(tas|std_mutex)$", "--benchmark_min_time=0.01",
                 "--benchmark_format=json"])
        self.assertEqual(p.returncode, 0, p.stderr)
        names = [b["name"] for b in json.loads(p.stdout)["benchmarks"]]
        self.assertTrue(any("tas" in n for n in names), names)


@unittest.skipUnless(RESULT, "CONTEND_RESULT not set (run through ctest)")
class GoogleBenchmarkCompat(TempResult):
    def test_compare_py_reads_two_contend_files(self):
        if not os.path.exists(COMPARE):
            self.fail(COMPARE + " missing: install libbenchmark-tools")
        p = run(["run", "locks.contention", "--primitive", "mcs,ticket,std_mutex", "--threads", "1,2",
                 "--duration", "30ms", "--warmup", "5ms", "--repetitions", "3", "--quiet", "-o", self.out])
        self.assertEqual(p.returncode, 0, p.stderr)
        c = subprocess.run(["/usr/bin/python3", COMPARE, "benchmarks", RESULT, self.out],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
        self.assertIn("locks.contention/mcs/threads:2", c.stdout)


if __name__ == "__main__":
    unittest.main()
