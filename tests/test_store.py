#!/usr/bin/python3
"""The results store (scripts/store.py and contend_tools/store_*): the same
tests against SQLite and against a real PostgreSQL 15 cluster started for
the run (postgres_cluster.py): adding, listing, showing and exporting runs;
the same content stored once; figures equal to what compare.py reads from
the file; bad input as one line with nothing stored; several writers at
once losing nothing; an import killed half way leaving the store as it was;
a store of a newer schema refused; compare.py --store and history.py --store
finding a known step in a synthetic history (made from a real run by
store_synthetic.py) and not in a flat one. SQLite only: a full disk (a
1 MiB tmpfs) and the default location.

`contend run --store` is tested end to end by the RunStoresItsResult class,
registered apart (it needs the release binary: CONTEND_BIN).

Needs CONTEND_RESULT: a real result file (the e2e fixture's).
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from contend_tools import store_db, store_ingest, store_query, store_synthetic  # noqa: E402
from contend_tools.compare_load import FIGURES  # noqa: E402
import postgres_cluster  # noqa: E402

PY = "/usr/bin/python3"
STORE = os.path.join(ROOT, "scripts", "store.py")
COMPARE = os.path.join(ROOT, "scripts", "compare.py")
HISTORY = os.path.join(ROOT, "scripts", "history.py")
RESULT = os.environ.get("CONTEND_RESULT", os.path.join(ROOT, "build", "e2e", "result.json"))


def tool(script, *args, env=None, timeout=300):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([PY, script] + [str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout, env=e)


class StoreContract:
    """Every test here runs against each back end; a subclass gives new_url()."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="contend-store-test-")
        self.url = self.new_url()
        with open(RESULT) as f:
            self.doc = json.load(f)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def store(self, *args, **kw):
        return tool(STORE, "--store", self.url, *args, **kw)

    def open(self):
        return store_db.open_store(self.url)

    def count(self, table):
        s = self.open()
        try:
            return s.one("SELECT COUNT(*) FROM %s" % table)[0]
        finally:
            s.close()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def assertOneLine(self, p, status, *fragments):
        self.assertEqual(p.returncode, status, p.stdout + p.stderr)
        lines = [ln for ln in p.stderr.splitlines() if ln.startswith("store.py: error:")]
        self.assertTrue(lines, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        for frag in fragments:
            self.assertTrue(any(frag in ln for ln in lines), (frag, p.stderr))

    def history(self, runs, **kw):
        """Store `runs` synthetic runs made from the real result."""
        h = store_synthetic.History(self.doc, **kw)
        s = store_db.open_store(self.url, create=True)
        try:
            return [h.add(s, i) for i in range(runs)]
        finally:
            s.close()

    def test_add_list_show_export_round_trip(self):
        p = self.store("add", RESULT, "--label", "pr-42")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("added run 1", p.stdout)
        p = self.store("list", "--json")
        runs = json.loads(p.stdout)
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["label"], "pr-42")
        self.assertEqual(runs[0]["git_revision"], self.doc["context"]["git_revision"])
        self.assertEqual(runs[0]["cases"], len(self.doc["cases"]))
        shown = json.loads(self.store("show", "latest", "--json").stdout)
        self.assertEqual(set(shown["cases"]), {c["name"] for c in self.doc["cases"]})
        out = os.path.join(self.tmp, "back.json")
        self.assertEqual(self.store("export", "1", "-o", out).returncode, 0)
        with open(out, "rb") as a, open(RESULT, "rb") as b:
            self.assertEqual(a.read(), b.read())  # the raw JSON, byte for byte
        self.assertIn("pr-42", self.store("list").stdout)

    def test_the_same_content_is_stored_once(self):
        copy = self.write("reformatted.json", json.dumps(self.doc, indent=4, sort_keys=True))
        p = self.store("add", RESULT, copy)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("already stored as run 1", p.stdout)  # key order and spaces do not count
        self.assertEqual(self.count("runs"), 1)
        changed = dict(self.doc, context=dict(self.doc["context"], date="2030-01-01T00:00:00Z"))
        self.assertIn("added run 2", self.store("add", self.write("other.json", json.dumps(
            changed))).stdout)

    def test_figures_are_those_compare_reads_from_the_file(self):
        self.store("add", RESULT)
        s = self.open()
        try:
            for fig in FIGURES:
                stored = store_query.samples_of(s, [1], fig.key)[1]
                for row in (r for r in self.doc["benchmarks"] if r["run_type"] == "iteration"):
                    want = fig.extract(row) if row["status"] == "ok" else None
                    got = stored[row["run_name"]]["values"]
                    if want is not None:
                        self.assertIn(want, got, (fig.key, row["name"]))
            n = s.one("SELECT COUNT(*) FROM samples")[0]
        finally:
            s.close()
        self.assertEqual(n, sum(1 for r in self.doc["benchmarks"]
                                if r["run_type"] == "iteration"))

    def test_bad_input_is_one_line_and_the_good_files_still_land(self):
        text = json.dumps(self.doc)
        bad_status = json.loads(text)
        next(r for r in bad_status["benchmarks"] if r["run_type"] == "iteration")["status"] = "so-so"
        cases = [
            (self.write("schema.json", json.dumps(bad_status)), "fails the result schema"),
            (self.write("trunc.json", text[:text.index(": ", 5000) + 2]), "truncated"),
            (self.write("nan.json", json.dumps(self.doc).replace(
                '"throughput_ops_per_s": ', '"throughput_ops_per_s": NaN, "x": ', 1)), "NaN"),
            (self.write("other.json", '{"hello": 1}'), "not a contend result"),
            (os.path.join(self.tmp, "missing.json"), "no such file"),
        ]
        for path, why in cases:
            p = self.store("add", path, RESULT)
            self.assertOneLine(p, 2, os.path.basename(path), why)
        self.assertEqual(self.count("runs"), 1)  # the good file, once
        self.assertEqual(self.count("cases"), len(self.doc["cases"]))
        self.assertOneLine(self.store("show", "77"), 2, "no such run")
        self.assertOneLine(self.store("list", "--machine", "nowhere"), 2, "matches no machine")

    def test_a_stress_report_is_stored_with_its_failures(self):
        ctx = {k: self.doc["context"][k] for k in ("host_name", "cpu_model", "num_cpus", "date",
                                                   "git_revision", "kernel", "compiler")}
        ctx.update(complete=True, wall_seconds=2.5, stress={
            "seed": 7, "budget_ns": 2000000000, "trial_timeout_ns": 1000000000,
            "targets": ["locks.contention"], "primitives": ["tas", "ticket"], "cpus": 2,
            "replay": None})
        failure = {"id": 3, "seed": 99, "case": "locks.contention/tas/threads:2", "scenario":
                   "locks.contention", "primitive": "tas", "params": {"cs_ns": 0},
                   "threads": 2, "duration_ns": 5000000, "detector": "validation",
                   "detail": "mutual exclusion broken", "signal": None, "stacks": None,
                   "replay": "contend stress locks.contention --seed 7 --replay 3",
                   "perturbation": {k: 0 for k in (
                       "delay_per_65536_ops", "yield_per_65536_ops", "sleep_per_65536_ops",
                       "migrate_every_ops", "stutter_period_ns", "burst_ops", "seed")}}
        report = {"context": ctx, "failures": [failure], "summary": {
            "trials": 12, "failures": 1, "targets": [
                {"scenario": "locks.contention", "primitive": p, "trials": 6,
                 "failures": int(p == "tas"), "wall_seconds": 1.0} for p in ("tas", "ticket")]}}
        p = self.store("add", self.write("stress.json", json.dumps(report)))
        self.assertEqual(p.returncode, 0, p.stderr)
        run = json.loads(self.store("list", "--json").stdout)[0]
        self.assertEqual((run["kind"], run["not_ok"]), ("stress", 1))
        s = self.open()
        try:
            self.assertEqual(s.query("SELECT primitive, trials, failures FROM stress_targets "
                                     "ORDER BY primitive"), [("tas", 6, 1), ("ticket", 6, 0)])
            self.assertEqual(s.query("SELECT failure_id, detector, replay FROM stress_failures"),
                             [(3, "validation", failure["replay"])])
        finally:
            s.close()
        del report["failures"][0]["replay"]
        self.assertOneLine(self.store("add", self.write("bad-stress.json", json.dumps(report))),
                           2, "fails the stress schema")

    def test_concurrent_writers_lose_nothing(self):
        writers, per_writer = 6, 3
        h = store_synthetic.History(self.doc)
        paths = []
        for w in range(writers):
            mine = []
            for i in range(per_writer):
                path = os.path.join(self.tmp, "w%d-%d.json" % (w, i))
                h.write(w * per_writer + i, path)
                mine.append(path)
            paths.append(mine + [RESULT])  # and every writer adds the same file too
        procs = [subprocess.Popen([PY, STORE, "--store", self.url, "add", "-q"] + mine,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for mine in paths]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        self.assertEqual(self.count("runs"), writers * per_writer + 1)
        self.assertEqual(self.count("cases"), (writers * per_writer + 1) * len(self.doc["cases"]))
        s = self.open()
        try:
            hashes = s.query("SELECT content_hash FROM runs")
        finally:
            s.close()
        self.assertEqual(len({h for (h,) in hashes}), len(hashes))

    def test_an_import_killed_half_way_leaves_the_store_as_it_was(self):
        self.assertEqual(self.store("add", RESULT).returncode, 0)
        other = self.write("other.json", json.dumps(
            dict(self.doc, context=dict(self.doc["context"], date="2030-01-01T00:00:00Z"))))
        p = self.store("add", other, env={store_ingest.KILL_AFTER_CASES_ENV: "5"})
        self.assertEqual(p.returncode, -signal.SIGKILL, p.stderr)
        self.assertEqual(self.count("runs"), 1)
        for table in ("cases", "raw_results"):
            self.assertEqual(self.count(table), {"cases": len(self.doc["cases"]),
                                                 "raw_results": 1}[table])
        self.assertEqual(self.count("samples"), sum(
            1 for r in self.doc["benchmarks"] if r["run_type"] == "iteration"))
        p = self.store("add", other)  # and it can be added again, whole
        self.assertIn("added run", p.stdout, p.stderr)
        self.assertEqual(self.count("runs"), 2)

    def test_a_store_of_a_newer_schema_is_refused(self):
        self.store("add", RESULT)
        s = self.open()
        try:
            with s.write():
                s.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
        finally:
            s.close()
        for args in (["list"], ["add", RESULT], ["show", "1"]):
            self.assertOneLine(self.store(*args), 2, "schema version 99", "knows up to")
        s = store_db.Store(*self.raw_connection())
        try:
            self.assertEqual(s.one("SELECT COUNT(*) FROM runs")[0], 1)  # nothing touched
        finally:
            s.close()

    def test_compare_and_history_find_a_step_in_the_stored_history(self):
        # 20 nights, ticket 20 % slower from night 12: history --gate fails
        # on it; compare --store, the newest night against the ten before
        # it (all slower already) finds nothing, and a 21st night with
        # mcs 20 % slower is found against its ten predecessors.
        self.history(20, step=0.8, step_at=12, step_cases="/ticket/")
        p = tool(HISTORY, "--store", self.url, "--plot", "none", "--gate",
                 "--figure", "throughput")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("WORSE", p.stdout)
        worse = [ln for ln in p.stdout.splitlines() if ln.startswith("WORSE")]
        self.assertTrue(worse and all("/ticket/" in ln for ln in worse), p.stdout)
        self.assertIn("at run 12", worse[0])
        p = tool(COMPARE, "--store", self.url, "latest", "--case", "contention")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        h = store_synthetic.History(self.doc, step=0.8, step_at=20, step_cases="/mcs/")
        new = os.path.join(self.tmp, "night21.json")
        h.write(20, new)
        p = tool(COMPARE, "--store", self.url, new, "--json", "-")
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        worse = {c["name"] for c in report["cases"] if c["verdict"] == "worse"}
        self.assertTrue(worse and all("/mcs/" in n for n in worse), worse)
        self.assertEqual(report["history"].split(" runs")[0], "BASE: the last 10")
        unit = {f["sample_unit"] for c in report["cases"] for f in c["figures"]
                if f["verdict"] not in ("not comparable",)}
        self.assertEqual(len(unit), 1, unit)
        self.assertIn("earlier runs", unit.pop())

    def test_a_flat_history_raises_no_alarm(self):
        self.history(16)
        p = tool(HISTORY, "--store", self.url, "--plot", "none", "--gate")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("0 level changes", p.stdout)
        self.assertEqual(tool(COMPARE, "--store", self.url, "latest").returncode, 0)


class SQLiteStore(StoreContract, unittest.TestCase):
    def new_url(self):
        return os.path.join(self.tmp, "store.sqlite")

    def raw_connection(self):
        return "sqlite", sqlite3.connect(self.url, isolation_level=None), self.url

    def test_wal_mode_and_the_default_location(self):
        env = {"XDG_DATA_HOME": os.path.join(self.tmp, "xdg"), store_db.ENV: ""}
        p = tool(STORE, "add", RESULT, env=env)
        where = os.path.join(self.tmp, "xdg", "contend", "store.sqlite")
        self.assertIn("created the store %s" % where, p.stderr)
        c = sqlite3.connect(where)
        self.assertEqual(c.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        c.close()
        self.assertIn(where, tool(STORE, "path", env=env).stdout)
        self.assertEqual(json.loads(tool(STORE, "list", "--json", env=dict(
            env, **{store_db.ENV: where})).stdout)[0]["id"], 1)

    def test_a_full_disk_is_one_line_and_keeps_what_was_stored(self):
        disk = os.path.join(self.tmp, "disk")
        os.mkdir(disk)
        mount = ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk]
        if os.geteuid() != 0:  # a mount namespace of our own
            self.fail("needs root to mount a 1 MiB tmpfs (CI runs as root)")
        subprocess.run(mount, check=True)
        try:
            url = os.path.join(disk, "store.sqlite")
            small = json.loads(json.dumps(self.doc))
            small["cases"] = small["cases"][:1]
            name = small["cases"][0]["name"]
            small["benchmarks"] = [r for r in small["benchmarks"] if r["run_name"] == name]
            path = self.write("small.json", json.dumps(small))
            self.assertEqual(tool(STORE, "--store", url, "add", path).returncode, 0)
            # Random text: zlib cannot shrink it below the disk's size.
            noise = [os.urandom(50).hex() for _ in range(30000)]
            big = self.write("big.json", json.dumps(dict(self.doc, context=dict(
                self.doc["context"], warnings=noise))))
            p = tool(STORE, "--store", url, "add", big)
            self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
            self.assertIn("disk is full", p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            runs = json.loads(tool(STORE, "--store", url, "list", "--json").stdout)
            self.assertEqual([r["id"] for r in runs], [1])
            c = sqlite3.connect(url)
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            c.close()
        finally:
            subprocess.run(["umount", "-l", disk])


class PostgreSQLStore(StoreContract, unittest.TestCase):
    cluster = None

    @classmethod
    def setUpClass(cls):
        cls.cluster = postgres_cluster.Cluster()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def new_url(self):
        return self.cluster.new_database()

    def raw_connection(self):
        import psycopg
        return "postgresql", psycopg.connect(self.url, autocommit=True), self.url

    def test_an_unreachable_server_is_one_line(self):
        url = "postgresql://nobody:secret@127.0.0.1:9/contend?connect_timeout=3"
        p = tool(STORE, "--store", url, "list")
        self.assertOneLine(p, 3, "cannot connect to the store")
        self.assertNotIn("secret", p.stderr)  # the password is never shown
        p = tool(COMPARE, "--store", url, RESULT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("cannot connect", p.stderr)


class RunStoresItsResult(unittest.TestCase):
    """contend run --store URL adds the run as it finishes; a store that
    fails keeps the result file and says so."""

    def test_run_adds_its_result(self):
        binary = os.environ["CONTEND_BIN"]
        with tempfile.TemporaryDirectory() as tmp:
            url = os.path.join(tmp, "store.sqlite")
            out = os.path.join(tmp, "r.json")
            args = [binary, "run", "locks.contention", "--primitive", "tas", "--threads", "1",
                    "--duration", "5ms", "--repetitions", "1", "-q", "-o", out]
            p = subprocess.run(args + ["--store", url], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
            runs = json.loads(tool(STORE, "--store", url, "list", "--json").stdout)
            self.assertEqual(len(runs), 1)
            self.assertEqual(runs[0]["source_path"], out)
            bad = os.path.join(tmp, "a-folder")
            os.mkdir(bad)
            p = subprocess.run(args + ["--store", bad], capture_output=True, text=True,
                               timeout=300)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("is a folder", p.stderr)
            self.assertIn("the result is kept: %s" % out, p.stderr)
            self.assertTrue(os.path.getsize(out) > 0)


if __name__ == "__main__":
    unittest.main()
