#!/usr/bin/env python3
"""End-to-end tests of contend as an installed package (issue 11): the
build installs into a temporary prefix; examples/my_lock, a user's own lock
and its CMake project, is configured against that prefix (not the build
tree), built and run: its lock is listed, measured and validated beside the
built-in ones, and its deliberately broken variant is caught; the same for
examples/my_queue, a user's queue, in the queue scenarios. A lock that
misses a member gets one readable compiler error. The .deb that CPack
makes from the same tree is extracted and its contend runs.

Run by CTest with CONTEND_BUILD_DIR (the build tree to install) in the
environment; needs cmake, ninja, a C++ compiler, cpack and dpkg-deb."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import ROOT, load  # noqa: E402

BUILD = os.environ.get("CONTEND_BUILD_DIR", os.path.join(ROOT, "build"))


def sh(args, timeout=600, check=True, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


class InstalledPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.prefix = os.path.join(cls.tmp.name, "prefix")
        sh(["cmake", "--install", BUILD, "--prefix", cls.prefix])
        cls.bench = cls.build_example("my_lock")
        cls.queue_bench = cls.build_example("my_queue")

    @classmethod
    def build_example(cls, name):
        """examples/<name> configured against the installed prefix; its executable."""
        build = os.path.join(cls.tmp.name, name)
        sh(["cmake", "-S", os.path.join(ROOT, "examples", name), "-B", build, "-G", "Ninja",
            "-DCMAKE_PREFIX_PATH=" + cls.prefix])
        sh(["cmake", "--build", build])
        return os.path.join(build, name + "_bench")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.tmp.name, name)

    def test_installed_tree_has_binary_scripts_headers_and_package(self):
        for rel in ["bin/contend", "bin/contend-plot", "bin/contend-compare",
                    "bin/contend-history", "bin/contend-report", "bin/contend-export",
                    "bin/contend-validate", "bin/contend-store", "bin/contend-dashboard",
                    "bin/contend-ab", "bin/contend-fleet",
                    "share/contend/web/uPlot.iife.min.js",
                    "include/contend/suites/locks/user_lock.hpp",
                    "include/contend/harness/build_info.hpp",
                    "lib/cmake/contend/contendConfig.cmake",
                    "lib/cmake/contend/contendConfigVersion.cmake",
                    "share/contend/results/contend-result.schema.json"]:
            self.assertTrue(os.path.exists(os.path.join(self.prefix, rel)), rel)
        p = sh([os.path.join(self.prefix, "bin", "contend"), "--version"])
        self.assertTrue(p.stdout.startswith("contend "), p.stdout)

    def test_users_lock_is_listed_beside_the_built_in_ones(self):
        listing = json.loads(sh([self.bench, "list", "--json"]).stdout)
        names = {p["name"]: p for p in listing["primitives"]}
        self.assertIn("twa", names)
        self.assertIn("ticket", names)  # the built-in catalogue is all there
        self.assertEqual(names["twa"]["family"], "spinlock")
        self.assertEqual(names["twa"]["promises"], {"fair": True, "spins": True})
        self.assertNotIn("twa_broken", names)  # a control: only with --all
        listing = json.loads(sh([self.bench, "list", "--json", "--all"]).stdout)
        self.assertIn("twa_broken", {p["name"] for p in listing["primitives"]})

    def test_users_lock_runs_validated_and_is_written_to_the_result(self):
        out = self.out("result.json")
        sh([self.bench, "run", "locks.contention", "--primitive", "twa,ticket", "--threads", "2",
            "--preset", "quick", "--repetitions", "2", "--quiet", "-o", out])
        doc = load(out)
        twa = [c for c in doc["cases"] if c["primitive"] == "twa"]
        self.assertTrue(twa)
        self.assertTrue(all(c["status"] == "ok" for c in twa), twa)
        sh([os.path.join(self.prefix, "bin", "contend-validate"), out])
        plots = self.out("plots")
        sh([os.path.join(self.prefix, "bin", "contend-plot"), out, "-o", plots])
        self.assertTrue([f for f in os.listdir(plots) if f.endswith(".png")])

    def test_users_lock_is_in_the_micro_suite(self):
        p = sh([self.bench, "micro", "--benchmark_filter=^lock/(twa|ticket)$",
                "--benchmark_min_time=0.01"])
        self.assertIn("lock/twa", p.stdout)
        self.assertIn("lock/ticket", p.stdout)

    def test_users_queue_runs_in_the_queue_scenarios_validated(self):
        listing = json.loads(sh([self.queue_bench, "list", "--json"]).stdout)
        scenarios = [sc["name"] for s in listing["suites"] for sc in s["scenarios"]
                     if "two_lock_queue" in sc["primitives"]]
        self.assertEqual(sorted(scenarios), ["queues.paced", "queues.pingpong",
                                             "queues.pipeline", "queues.throughput"])
        out = self.out("queue.json")
        sh([self.queue_bench, "run", "queues.throughput", "--primitive", "two_lock_queue",
            "--set", "producers=2", "--set", "consumers=2", "--preset", "quick",
            "--repetitions", "1", "--quiet", "-o", out])
        case = load(out)["cases"][0]
        self.assertEqual(case["status"], "ok", case)
        self.assertEqual(case["promises"], {"ordering": "fifo", "shapes": "spsc,mpsc,spmc,mpmc"})

    def test_broken_variant_is_caught_by_validation_and_by_stress(self):
        out = self.out("broken.json")
        sh([self.bench, "run", "locks.contention", "--primitive", "twa_broken", "--threads", "2",
            "--preset", "quick", "--repetitions", "1", "--quiet", "-o", out], check=False)
        case = load(out)["cases"][0]
        self.assertEqual(case["status"], "invalid", case)
        report = self.out("stress.json")
        p = sh([self.bench, "stress", "locks.contention", "--primitive", "twa_broken", "--for",
                "30s", "--max-failures", "1", "--quiet", "-o", report], check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(load(report)["failures"][0]["detector"], "validation")

    def test_lock_missing_a_member_gets_one_readable_error(self):
        src = self.out("no_unlock.cpp")
        with open(src, "w") as f:
            f.write('#include "suites/locks/user_lock.hpp"\n'
                    "struct NoUnlock { void lock() {} };\n"
                    'CONTEND_LOCK(NoUnlock, .name = "no_unlock");\n')
        p = sh(["c++", "-std=c++20", "-fsyntax-only",
                "-I" + os.path.join(self.prefix, "include", "contend"), src], check=False)
        self.assertNotEqual(p.returncode, 0)
        errors = [line for line in p.stderr.splitlines() if "error:" in line]
        self.assertEqual(len(errors), 1, p.stderr)
        self.assertIn("needs a member `void unlock()`", errors[0])

    def test_deb_package_extracts_and_runs(self):
        pkg_dir = self.out("pkg")
        os.makedirs(pkg_dir)
        sh(["cpack", "-G", "DEB", "-B", pkg_dir], cwd=BUILD)
        debs = [f for f in os.listdir(pkg_dir) if f.endswith(".deb")]
        self.assertEqual(len(debs), 1, os.listdir(pkg_dir))
        root = self.out("deb_root")
        sh(["dpkg-deb", "-x", os.path.join(pkg_dir, debs[0]), root])
        contend = os.path.join(root, "usr", "bin", "contend")
        self.assertTrue(sh([contend, "--version"]).stdout.startswith("contend "))
        out = self.out("deb_run.json")
        sh([contend, "run", "locks.contention", "--primitive", "tas", "--threads", "1",
            "--preset", "quick", "--repetitions", "1", "--quiet", "-o", out])
        self.assertEqual(load(out)["cases"][0]["status"], "ok")
        info = sh(["dpkg-deb", "-f", os.path.join(pkg_dir, debs[0]), "Depends"]).stdout
        self.assertIn("libboost-program-options-dev", info)


if __name__ == "__main__":
    if not shutil.which("dpkg-deb") or not shutil.which("cpack"):
        sys.exit("install_test: needs cpack and dpkg-deb")
    unittest.main()
