"""Reading one side of a comparison (or a history): result files and folders
of them, gathered into cases keyed by name, with the figures compare.py and
history.py track.

A side is a list of paths. A file named on the command line must be a
readable contend result. In a folder, files that are valid JSON but not
contend results (micro.json from Google Benchmark, env.json) are skipped with
a note, because reference folders hold them beside the runs; a folder file
that is truncated or not JSON at all is an error, never skipped, because a
corrupted run silently left out of a gate is a hidden regression.
"""
import os

import contend_result as cr
from result_inputs import InputError


# --- the tracked figures --------------------------------------------------

_TIME_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def _throughput(row):
    v = cr.metric(row, "throughput_ops_per_s")
    return v if v is not None else cr.finite(row.get("items_per_second"))


def _cpu_ns_per_op(row):
    v = cr.metric(row, "cpu_ns_per_op")
    if v is not None:
        return v
    t = cr.finite(row.get("cpu_time"))
    scale = _TIME_TO_NS.get(row.get("time_unit") or "ns")
    return None if t is None or scale is None else t * scale


# Latency kinds measured beside the primitive's own, as a reference: a lock's
# hold time, pingpong's bare cache-line round trip (the floor). Rows name
# their primary kind in `primary_latency`; files written before that field
# existed have their kinds in sorted order, where these are passed over.
REFERENCE_LATENCIES = ("hold", "cache_line_round_trip")


def primary_latency_key(row):
    """The row's primary latency kind (acquire_wait, enqueue_dequeue,
    round_trip, ...): the first one that is not a reference measurement."""
    lat = row.get("latency")
    if not isinstance(lat, dict):
        return None
    kinds = [k for k, v in lat.items() if isinstance(v, dict)]
    if row.get("primary_latency") in kinds:
        return row["primary_latency"]
    return next((k for k in kinds if k not in REFERENCE_LATENCIES), kinds[0] if kinds else None)


def _p99(row):
    k = primary_latency_key(row)
    return None if k is None else cr.finite(row["latency"][k].get("p99"))


class Figure:
    def __init__(self, key, label, unit, higher_is_better, extract):
        self.key = key
        self.label = label
        self.unit = unit
        self.higher_is_better = higher_is_better
        self.extract = extract


FIGURES = (
    Figure("throughput", "throughput", "ops/s", True, _throughput),
    Figure("cpu_ns_per_op", "CPU ns/op", "ns", False, _cpu_ns_per_op),
    Figure("jain_index", "Jain index", "", True, lambda r: cr.metric(r, "jain_index")),
    Figure("p99", "p99 latency", "ns", False, _p99),
)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}


# --- machines ---------------------------------------------------------------

def machine_of(ctx):
    """What makes two runs comparable: host, CPU model and CPU count."""
    return (ctx.get("host_name") or "?", ctx.get("cpu_model") or "unknown CPU",
            ctx.get("num_cpus") if isinstance(ctx.get("num_cpus"), int) else "?")


def machine_text(m):
    return "host %s, %s CPUs, %s" % (m[0], m[2], m[1])


# --- cases ----------------------------------------------------------------

STATUS_RANK = {"ok": 0, "invalid": 1, "deadlock": 2, "timeout": 3, "crashed": 4}


def worst_status(statuses):
    statuses = [s for s in statuses if s]
    if not statuses:
        return "ok"
    return max(statuses, key=lambda s: STATUS_RANK.get(s, 5))


class Case:
    """One case on one side: every sample of it in the side's files."""

    def __init__(self, name):
        self.name = name
        self.scenario = None
        self.primitive = None
        self.params = {}
        self.statuses = []
        self.details = []
        self.rows = []
        self.sources = []
        self.machines = []

    @property
    def status(self):
        return worst_status(self.statuses)

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def machine(self):
        return self.machines[0] if self.machines else None

    def detail_text(self):
        return "; ".join(dict.fromkeys(d for d in self.details if d))

    def values(self, figure):
        """Finite values of `figure` over the ok samples."""
        out = []
        for r in self.rows:
            if cr.is_ok(r):
                v = figure.extract(r)
                if v is not None:
                    out.append(v)
        return out

    def latency_key(self):
        for r in self.rows:
            k = primary_latency_key(r)
            if k:
                return k
        return None


class Side:
    """The result files of one side, and its cases by name (first-seen order)."""

    def __init__(self, label, paths):
        self.label = label
        self.paths = list(paths)
        self.files = []    # (path, doc)
        self.skipped = []  # (path, why)
        self.warnings = []
        self.cases = {}
        for p in self.paths:
            self._add_path(p)
        if not self.files:
            raise InputError("%s: %s: no contend result file%s" % (
                label, ", ".join(self.paths),
                " (skipped: %s)" % "; ".join("%s: %s" % s for s in self.skipped)
                if self.skipped else ""))
        for path, doc in self.files:
            self._add_doc(path, doc)
        self._pooling_warnings()

    def _add_path(self, path):
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if n.endswith(".json"))
            for n in names:
                full = os.path.join(path, n)
                if not os.path.isfile(full):
                    continue
                try:
                    self.files.append((full, cr.load(full, strict=False)))
                except cr.NotAResultError as e:
                    self.skipped.append((full, str(e)))
                except cr.ContendResultError as e:
                    raise InputError("%s: %s" % (full, e)) from None
            return
        try:
            self.files.append((path, cr.load(path, strict=False)))
        except cr.ContendResultError as e:
            raise InputError("%s: %s" % (path, e)) from None

    def _case(self, name):
        c = self.cases.get(name)
        if c is None:
            c = self.cases[name] = Case(name)
        return c

    def _add_doc(self, path, doc):
        ctx = doc.get("context") or {}
        machine = machine_of(ctx)
        if ctx.get("complete") is False:
            self.warnings.append("%s: incomplete run (interrupted): cases after the "
                                 "interruption are missing" % path)
        in_ledger = set()
        for entry in doc.get("cases") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            in_ledger.add(entry["name"])
            c = self._case(entry["name"])
            self._describe(c, entry)
            c.statuses.append(entry.get("status"))
            det = entry.get("detail")
            if entry.get("signal"):
                det = "%s%s" % (entry["signal"], ": " + det if det else "")
            c.details.append(det)
            self._source(c, path, machine)
        for row in cr.samples(doc):
            name = row.get("run_name") or row.get("name")
            if not isinstance(name, str):
                continue
            c = self._case(name)
            self._describe(c, row)
            c.rows.append(row)
            if name not in in_ledger:  # an older file without a ledger entry
                c.statuses.append(row.get("status"))
                c.details.append((row.get("validation") or {}).get("detail"))
            self._source(c, path, machine)

    def _pooling_warnings(self):
        pooled = [c for c in self.cases.values() if len(set(c.sources)) > 1]
        if pooled:
            # Pooling runs gives more repetitions, but only of one machine.
            mixed = sum(1 for c in pooled if len(set(c.machines)) > 1)
            self.warnings.append(
                "%s: %d case%s found in several files (e.g. %s): their samples are pooled%s"
                % (self.label, len(pooled), "" if len(pooled) == 1 else "s", pooled[0].name,
                   "; %d of them from different machines" % mixed if mixed else ""))

    @staticmethod
    def _describe(c, entry):
        if c.scenario is None:
            c.scenario = entry.get("scenario")
            c.primitive = entry.get("primitive")
            c.params = entry.get("params") if isinstance(entry.get("params"), dict) else {}

    @staticmethod
    def _source(c, path, machine):
        if path not in c.sources:
            c.sources.append(path)
            c.machines.append(machine)

    def machine_list(self):
        return list(dict.fromkeys(machine_of(d.get("context") or {}) for _, d in self.files))
