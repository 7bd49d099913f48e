"""Reading one side of a comparison (or a history): result files and folders
of them, gathered into cases keyed by name, with the figures compare.py and
history.py track.

A side is a list of paths. A file named on the command line must be a
readable contend result. In a folder, files that are valid JSON but not
contend results (micro.json from Google Benchmark, env.json) are skipped with
a note, because reference folders hold them beside the runs; a folder file
that is truncated or not JSON at all is an error, never skipped, because a
corrupted run silently left out of a gate is a hidden regression.

Every source file of a case also gives its machine (machine_of) and its
measurement configuration (measurement_of): two runs are comparable only when
both agree, and the samples pooled on one side must agree among themselves.
"""
import json
import os

from . import contend_result as cr
from .result_inputs import InputError


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


# Latencies the gate does not test. queues.throughput's sojourn time is
# occupancy / throughput (Little's law): flat out a queue runs full or empty,
# so it reads queue depth, not the queue's handoff cost.
UNGATED_LATENCIES = ("sojourn",)
# queues.paced below this share of its offered rate is saturated: its latency
# is then the backlog growing over the window, not the queue.
PACED_SATURATED_BELOW = 0.95


def p99_ungated(row):
    """Why the row's p99 is not gated (one line), or None when it is: a
    percentile under 10x the timer's resolution cannot tell two latencies
    apart (10 vs 20 ns read +100 %), and one with fewer than 10 samples
    beyond it is a few operations' luck (the result names both)."""
    k = primary_latency_key(row)
    if k is None or k in UNGATED_LATENCIES:
        return None
    lat = row["latency"][k]
    if "p99" in (lat.get("below_resolution") or []):
        return "p99 %s below 10x the timer's resolution (%s ns)" % (k, lat.get("resolution_ns"))
    if "p99" in (lat.get("too_few_samples") or []):
        return "p99 %s from %s samples (1,000 needed)" % (k, lat.get("count"))
    return None


def _p99(row):
    k = primary_latency_key(row)
    if k is None or k in UNGATED_LATENCIES or p99_ungated(row):
        return None
    achieved = cr.finite((row.get("metrics") or {}).get("achieved_over_offered"))
    if row.get("scenario") == "queues.paced" and achieved is not None \
            and achieved < PACED_SATURATED_BELOW:
        return None
    return cr.finite(row["latency"][k].get("p99"))


# Figures of the measured window: a repetition whose window was extended
# (window_extended_ns > 0) is left out of them, and said so.
WINDOW_FIGURES = ("throughput", "cpu_ns_per_op")


def window_extended(row):
    return (cr.finite((row.get("metrics") or {}).get("window_extended_ns")) or 0) > 0


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


# --- measurement configuration ----------------------------------------------

# What must agree for two runs' figures to be comparable: the protocol, how
# latency is sampled, how long each window is, where threads run, how the
# suite was built and the busy-work calibration its delays rest on. A run at
# --sample-every 1000 is not "10x faster" than one at 1: it times less.
# Since protocol 4 also what the figures rest on beyond the options: the
# compiler, the peer libraries' versions, the kernel, and the placement (the
# CPU each thread gets and the CPU map: "compact" on another map is another
# placement).
MEASUREMENT_EXACT = ("protocol_version", "sample_every", "latency_window_ns", "duration_ns",
                     "warmup_ns", "pin", "build_type", "cxx_flags", "sanitizer", "compiler",
                     "peer_libraries", "kernel", "placement")
# The busy-work delay's units per requested ns is itself a measurement: it
# must agree within a relative tolerance (--delay-tolerance). Since protocol
# 3 the delay is a deadline on the cycle counter and this is the counter's
# rate, steady on one machine; before, it was a loop's iterations per ns.
MEASUREMENT_TOLERANT = ("delay_iterations_per_ns",)
MEASUREMENT_FIELDS = MEASUREMENT_EXACT + MEASUREMENT_TOLERANT
# Recorded and reported, never a reason to refuse: interleaved or sequential
# repetitions, and the shuffle's seed.
MEASUREMENT_RECORDED = ("order", "seed")
# 25 %: for protocol 2 files, whose loop ran at one iteration per cycle: the
# shared 2-vCPU VM moved that by 2x between runs minutes apart (the host's
# load). A protocol 3 counter rate does not move at all.
DELAY_TOLERANCE = 0.25
# Files written before context.measurement existed.
LEGACY_PROTOCOL = 1


def _plain(v):
    """A hashable, comparable JSON value: whole floats as ints (1e8 reads as
    100000000), anything structured as its JSON text."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return None
        return int(v) if v.is_integer() else v
    return json.dumps(v, sort_keys=True)


def measurement_of(ctx):
    """The measurement configuration of a result's context, as a tuple of
    (field, value) pairs in MEASUREMENT_FIELDS + MEASUREMENT_RECORDED order
    (hashable; dict() of it is the JSON form). From context.measurement when
    there is one; otherwise protocol_version 1, with what context.options,
    build_type, cxx_flags and delay_calibration say (None where unknown)."""
    m = ctx.get("measurement")
    if isinstance(m, dict):
        got = {k: m.get(k) for k in MEASUREMENT_FIELDS + MEASUREMENT_RECORDED}
    else:
        opts = ctx.get("options") if isinstance(ctx.get("options"), dict) else {}
        cal = ctx.get("delay_calibration")
        cal = cal if isinstance(cal, dict) else {}
        got = {"protocol_version": LEGACY_PROTOCOL, "sample_every": opts.get("sample_every"),
               "latency_window_ns": None, "duration_ns": opts.get("duration_ns"),
               "warmup_ns": opts.get("warmup_ns"), "pin": opts.get("pin"),
               "build_type": ctx.get("build_type"), "cxx_flags": ctx.get("cxx_flags"),
               "sanitizer": ctx.get("sanitizer"),
               "delay_iterations_per_ns": cal.get("iterations_per_ns"),
               "order": opts.get("order"), "seed": opts.get("seed")}
        got.update({k: None for k in MEASUREMENT_FIELDS + MEASUREMENT_RECORDED if k not in got})
    return tuple((k, _plain(got[k])) for k in MEASUREMENT_FIELDS + MEASUREMENT_RECORDED)


def _value_text(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v) if not v or any(c in v for c in " ,;\"") else v
    if isinstance(v, float):
        return "%.4g" % v
    return str(v)


def _relative_gap(x, y):
    """|x - y| relative to the smaller magnitude (symmetric, the stricter way)."""
    small = min(abs(x), abs(y))
    if small == 0:
        return 0.0 if x == y else float("inf")
    return abs(x - y) / small


def measurement_differences(a, b, delay_tolerance=DELAY_TOLERANCE, skip=()):
    """What makes measurement configurations a and b (measurement_of) not
    comparable: ["sample_every 1 vs 1000", ...], empty when they agree.
    Exact fields must be equal, the delay calibration within delay_tolerance;
    order and seed never count, nor the fields in `skip`. Across protocol
    versions a field the older protocol did not record is not listed (the
    version already says it)."""
    a, b = dict(a), dict(b)
    same_protocol = a.get("protocol_version") == b.get("protocol_version")
    out = []
    for f in MEASUREMENT_FIELDS:
        if f in skip:
            continue
        x, y = a.get(f), b.get(f)
        if f != "protocol_version" and not same_protocol and (x is None or y is None):
            continue
        if f in MEASUREMENT_TOLERANT and isinstance(x, (int, float)) \
                and isinstance(y, (int, float)) and not isinstance(x, bool) \
                and not isinstance(y, bool):
            gap = _relative_gap(x, y)
            if gap > delay_tolerance:
                out.append("%s %s vs %s (%s apart, tolerance %.3g%%)"
                           % (f, _value_text(x), _value_text(y),
                              "%.3g%%" % (100 * gap) if gap != float("inf") else "infinitely",
                              100 * delay_tolerance))
        elif f == "placement" and x != y:
            out.append("placement (each thread's CPU, or the CPU map) differs")
        elif (isinstance(x, bool), x) != (isinstance(y, bool), y):  # true is not 1
            out.append("%s %s vs %s" % (f, _value_text(x), _value_text(y)))
    return out


def measurement_problems(cb, cn, delay_tolerance=DELAY_TOLERANCE, skip=()):
    """Why case cb (BASE) and cn (NEW) were not measured alike: a list of
    texts, empty when they were. The pooled files of each side are checked
    against that side's first file, then the first files against each other;
    the fields in `skip` are passed over."""
    out = []
    for label, c in (("BASE", cb), ("NEW", cn)):
        spread = c.measurement_spread(delay_tolerance, skip)
        if spread:
            out.append("measurement differs within %s (pooled files): %s"
                       % (label, ", ".join(spread)))
    if cb.measurement is not None and cn.measurement is not None:
        diff = measurement_differences(cb.measurement, cn.measurement, delay_tolerance, skip)
        if diff:
            out.append("measurement differs: %s" % ", ".join(diff))
    return out


def measurement_check(cb, cn, settings):
    """(differences, refusals, notes) for cases cb and cn under
    compare_verdict.Settings. differences: measurement_problems. Each refuses
    the case unless --allow-different-measurement, which keeps it as a note.
    On another machine compared with --allow-different-machine the delay
    calibration (a property of that machine's speed) is expected to differ:
    it is then a note, not a difference."""
    tol = settings.delay_tolerance
    skip = ()
    if settings.allow_different_machine and cb.machine != cn.machine:
        skip = MEASUREMENT_TOLERANT
    problems = measurement_problems(cb, cn, tol, skip)
    notes = []
    if skip and measurement_problems(cb, cn, tol) != problems:
        notes.append("delay calibration differs (another machine, compared anyway: "
                     "--allow-different-machine)")
    if settings.allow_different_measurement:
        return problems, [], notes + ["%s (compared anyway: --allow-different-measurement)"
                                      % p for p in problems]
    return problems, problems, notes


# --- cases ----------------------------------------------------------------

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
        self.row_sources = []  # the file of each row: a file is one run
        self.sources = []
        self.machines = []
        self.measurements = []  # measurement_of each source, in sources order
        # The repetitions contend itself named outliers (cases[].outliers),
        # with their causes: kept in the gate (the rank test is robust to
        # them) and said beside its verdict, never passed over in silence.
        self.outliers = []

    @property
    def status(self):
        return cr.worst_status(self.statuses)

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def machine(self):
        return self.machines[0] if self.machines else None

    @property
    def measurement(self):
        return self.measurements[0] if self.measurements else None

    def measurement_spread(self, delay_tolerance=DELAY_TOLERANCE, skip=()):
        """How the case's other source files differ from its first one in
        measurement configuration (measurement_differences), each difference
        once; empty when they all agree."""
        out = []
        for m in self.measurements[1:]:
            for d in measurement_differences(self.measurement, m, delay_tolerance, skip):
                if d not in out:
                    out.append(d)
        return out

    def detail_text(self):
        return "; ".join(dict.fromkeys(d for d in self.details if d))

    def _usable(self, figure, row):
        return cr.is_ok(row) and not (figure.key in WINDOW_FIGURES and window_extended(row))

    def values(self, figure):
        """Finite values of `figure` over the ok samples; for throughput and
        CPU per operation not those whose window was extended (it waited out
        a stall: that repetition measured the stall; left_out counts them)."""
        return [v for vs in self.values_by_run(figure).values() for v in vs]

    def values_by_run(self, figure):
        """values() per source file (a file is one run), in source order;
        runs without a value are absent."""
        out = {}
        for r, src in zip(self.rows, self.row_sources):
            if self._usable(figure, r):
                v = figure.extract(r)
                if v is not None:
                    out.setdefault(src, []).append(v)
        return out

    def left_out(self, figure):
        """How many ok repetitions values() passes over (extended windows)."""
        return sum(1 for r in self.rows if cr.is_ok(r) and not self._usable(figure, r))

    def latency_key(self):
        for r in self.rows:
            k = primary_latency_key(r)
            if k:
                return k
        return None


class Side:
    """The result files of one side, and its cases by name (first-seen order)."""

    def __init__(self, label, paths, delay_tolerance=DELAY_TOLERANCE, documents=()):
        """`paths`: files and folders to read; `documents`: (name, doc) pairs
        already read (runs from the store, named "store run N", a history:
        their cases are meant to be pooled, and no warning says they are)."""
        self.label = label
        self.paths = list(paths) + [name for name, _ in documents]
        self.delay_tolerance = delay_tolerance
        self.files = list(documents)  # (path, doc)
        self.skipped = []  # (path, why)
        self.warnings = []
        self.cases = {}
        for p in paths:
            self._add_path(p)
        if not self.files:
            raise InputError("%s: %s: no contend result file%s" % (
                label, ", ".join(self.paths),
                " (skipped: %s)" % "; ".join("%s: %s" % s for s in self.skipped)
                if self.skipped else ""))
        for path, doc in self.files:
            self._add_doc(path, doc)
        if not documents:
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
        measurement = measurement_of(ctx)
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
            for o in entry.get("outliers") or []:
                if isinstance(o, dict):
                    c.outliers.append("repetition %s %s (%s)" % (
                        o.get("repetition"), "%+.0f%%" % (100 * o["off_by"])
                        if isinstance(o.get("off_by"), (int, float)) else "",
                        ", ".join(o.get("causes") or [])))
            self._source(c, path, machine, measurement)
        for row in cr.samples(doc):
            name = row.get("run_name") or row.get("name")
            if not isinstance(name, str):
                continue
            c = self._case(name)
            self._describe(c, row)
            c.rows.append(row)
            c.row_sources.append(path)
            if name not in in_ledger:  # an older file without a ledger entry
                c.statuses.append(row.get("status"))
                c.details.append((row.get("validation") or {}).get("detail"))
            self._source(c, path, machine, measurement)

    def _pooling_warnings(self):
        pooled = [c for c in self.cases.values() if len(set(c.sources)) > 1]
        if pooled:
            # Pooling runs gives more repetitions, but only of one machine.
            # Pooling also needs one measurement configuration: compare
            # refuses such cases (measurement_problems), said here once.
            mixed = sum(1 for c in pooled if len(set(c.machines)) > 1)
            measured = sum(1 for c in pooled if c.measurement_spread(self.delay_tolerance))
            self.warnings.append(
                "%s: %d case%s found in several files (e.g. %s): their samples are pooled%s%s"
                % (self.label, len(pooled), "" if len(pooled) == 1 else "s", pooled[0].name,
                   "; %d of them from different machines" % mixed if mixed else "",
                   "; %d of them measured differently" % measured if measured else ""))

    @staticmethod
    def _describe(c, entry):
        if c.scenario is None:
            c.scenario = entry.get("scenario")
            c.primitive = entry.get("primitive")
            c.params = entry.get("params") if isinstance(entry.get("params"), dict) else {}

    @staticmethod
    def _source(c, path, machine, measurement):
        if path not in c.sources:
            c.sources.append(path)
            c.machines.append(machine)
            c.measurements.append(measurement)

    def machine_list(self):
        return list(dict.fromkeys(machine_of(d.get("context") or {}) for _, d in self.files))

    def measurement_list(self):
        """The distinct measurement configurations of the side's files (dicts)."""
        return [dict(m) for m in dict.fromkeys(measurement_of(d.get("context") or {})
                                               for _, d in self.files)]
