"""Synthetic histories for the store's tests and benchmark, made from a real
result: run i is the real document with its date, revision and figures
changed, so every stored row has a real run's shape (its cases, parameters,
latency records, context) and only the numbers are invented. A run says so
in context.warnings. Seeded: the same arguments give the same runs.

Each run's figures are the real repetition's times a run-level factor (the
session: lognormal, `run_noise`) times a repetition-level one (`rep_noise`),
times `step` from run `step_at` on for the cases `step_cases` matches — a
known level change for a detector to find.
"""
import contextlib
import datetime
import hashlib
import json
import random
import re

from . import store_ingest as ingest

WARNING = "synthetic: made from a real run by store_synthetic.py, not a measurement"
THROUGHPUT_KEYS = ("throughput_ops_per_s",)
TIME_PER_OP_KEYS = ("cpu_ns_per_op", "ns_per_op_wall")


def _scale_row(row, f):
    m = row.get("metrics") or {}
    for k in THROUGHPUT_KEYS:
        if isinstance(m.get(k), (int, float)):
            m[k] = m[k] * f
    for k in TIME_PER_OP_KEYS:
        if isinstance(m.get(k), (int, float)):
            m[k] = m[k] / f
    if isinstance(row.get("items_per_second"), (int, float)):
        row["items_per_second"] = row["items_per_second"] * f
    for key in ("real_time", "cpu_time"):
        if isinstance(row.get(key), (int, float)):
            row[key] = row[key] / f


class History:
    """Runs made from one real result document `doc` (which it changes in
    place between runs and restores: no copy of a 7 MB document per run)."""

    def __init__(self, doc, start="2026-01-01T02:00:00+00:00", every_hours=24.0,
                 run_noise=0.01, rep_noise=0.01, step=1.0, step_at=None, step_cases=None,
                 seed=1):
        self.doc = doc
        self.start = datetime.datetime.fromisoformat(start)
        self.every = datetime.timedelta(hours=every_hours)
        self.run_noise, self.rep_noise = run_noise, rep_noise
        self.step, self.step_at = step, step_at
        self.step_cases = re.compile(step_cases) if step_cases else None
        self.seed = seed
        self.rows = [r for r in doc.get("benchmarks", []) if r.get("run_type") == "iteration"]
        self.saved = [json.dumps({k: r.get(k) for k in ("metrics", "items_per_second",
                                                        "real_time", "cpu_time")})
                      for r in self.rows]
        ctx = doc["context"]
        self.ctx_saved = {k: ctx.get(k) for k in ("date", "git_revision", "warnings")}

    def revision(self, i):
        return hashlib.sha1(b"synthetic-%d-%d" % (self.seed, i)).hexdigest()[:12]

    def date(self, i):
        return (self.start + i * self.every).isoformat()

    @contextlib.contextmanager
    def run(self, i):
        """Run i: (the document, changed until the block ends; its canonical
        JSON bytes, whose hash is the store's content hash of it)."""
        rng = random.Random("%d/%d" % (self.seed, i))
        session = rng.lognormvariate(0.0, self.run_noise)
        stepped = self.step_at is not None and i >= self.step_at
        for row in self.rows:
            f = session * rng.lognormvariate(0.0, self.rep_noise)
            if stepped and (self.step_cases is None
                            or self.step_cases.search(row.get("run_name") or "")):
                f *= self.step
            _scale_row(row, f)
        ctx = self.doc["context"]
        ctx["date"] = self.date(i)
        ctx["git_revision"] = self.revision(i)
        ctx["warnings"] = list(self.ctx_saved["warnings"] or []) + [WARNING]
        try:
            yield self.doc, json.dumps(self.doc, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode("utf-8")
        finally:
            self._restore()

    def add(self, store, i, label=None):
        """Store run i (store_ingest.add_document); its run id."""
        with self.run(i) as (doc, raw):
            run_id, _ = ingest.add_document(store, doc, "result", raw, label=label,
                                            digest=hashlib.sha256(raw).hexdigest())
        return run_id

    def write(self, i, path):
        with self.run(i) as (_, raw):
            with open(path, "wb") as f:
                f.write(raw)

    def _restore(self):
        for row, saved in zip(self.rows, self.saved):
            for k, v in json.loads(saved).items():
                if v is not None:
                    row[k] = v
        self.doc["context"].update(self.ctx_saved)
