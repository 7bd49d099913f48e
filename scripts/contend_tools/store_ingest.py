"""Adding a result (or a stress report) to the store: check it, hash it,
normalise it into rows, and write it all in one transaction.

A file is checked against its JSON schema (results/, compiled once with
fastjsonschema: the whole default run in a quarter of a second, where the
reference validator takes six times as long) before anything is written. Its
content hash (SHA-256 of the canonical JSON: key order and whitespace do not
count) makes adding it again a no-op that names the run already stored, and
a stored run is never updated. The write is one transaction: a process killed
half way leaves the store as it was (tests/test_store.py kills one).

The figures per repetition are those compare.py and history.py track, taken
by the same functions (compare_load.FIGURES), so a series read from the store
and one read from the files are the same series.
"""
import datetime
import hashlib
import json
import os
import signal
import zlib

from . import contend_result as cr
from .compare_load import FIGURES, MEASUREMENT_EXACT, machine_of, measurement_of
from .compare_load import primary_latency_key, window_extended
from .store_db import BAD_INPUT, StoreError, translate

SCHEMAS = {"result": cr.SCHEMA_PATH,
           "stress": os.path.join(os.path.dirname(cr.SCHEMA_PATH), "contend-stress.schema.json")}
# zlib level 1: the default run compresses 8:1 in a twentieth of a second;
# level 6 gains a fifth of the size for four times the time.
RAW_LEVEL = 1
# Fault injection for the tests only (never set it otherwise): a number of
# cases after which the adding process kills itself with SIGKILL, mid-write.
KILL_AFTER_CASES_ENV = "CONTEND_STORE_TEST_KILL_AFTER_CASES"

_validators = {}


def _validator(kind):
    if kind not in _validators:
        try:
            import fastjsonschema
        except ImportError:
            raise StoreError("checking a result needs python3-fastjsonschema (apt-get install "
                             "python3-fastjsonschema)") from None
        with open(SCHEMAS[kind]) as f:
            schema = json.load(f)
        # The schema is written for draft 2020-12; the keywords it uses
        # ($defs through $ref, if/then, const, enum, pattern...) read the same
        # in draft 7, which is what fastjsonschema compiles.
        schema.pop("$schema", None)
        _validators[kind] = fastjsonschema.compile(schema)
    return _validators[kind]


def read(path):
    """(doc, kind, raw bytes) of a result or stress report file, or a
    StoreError (BAD_INPUT) that names the file and what is wrong."""
    try:
        raw = cr.read_bytes(path)
        doc = cr.parse_json(raw, strict=True)
    except cr.ContendResultError as e:
        raise StoreError("%s: %s" % (path, e), BAD_INPUT) from None
    return check(path, doc), doc, raw


def check(path, doc):
    """The document's kind ("result" or "stress") once it passed its schema."""
    if isinstance(doc, dict) and isinstance(doc.get("summary"), dict) \
            and isinstance(doc.get("failures"), list):
        kind = "stress"
    else:
        try:
            cr.check_shape(doc)
        except cr.NotAResultError as e:
            raise StoreError("%s: %s, nor a stress report" % (path, e), BAD_INPUT) from None
        kind = "result"
    import fastjsonschema
    try:
        _validator(kind)(doc)
    except fastjsonschema.JsonSchemaException as e:
        # "data.benchmarks[3].status must be one of [...]": the path in the
        # document, then the rule.
        raise StoreError("%s: fails the %s schema: %s" % (path, kind, e), BAD_INPUT) from None
    return kind


def content_hash(doc):
    canon = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def utc(text):
    """An ISO date as UTC 'YYYY-MM-DDTHH:MM:SSZ' (sorts as text in both
    back ends), or None."""
    try:
        d = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def machine(ctx):
    """(fingerprint, columns): what makes two runs the same machine for the
    store — the host, CPU model and CPU count compare.py checks
    (compare_load.machine_of), nothing a newer result format adds; the core
    and package counts of the CPU map are described, not compared."""
    topo = ctx.get("topology") if isinstance(ctx.get("topology"), dict) else {}
    cmap = topo.get("cpu_map") if isinstance(topo.get("cpu_map"), list) else []
    cores = len({(c.get("package"), c.get("core")) for c in cmap if isinstance(c, dict)}) or None
    packages = len({c.get("package") for c in cmap if isinstance(c, dict)}) or None
    isa = (ctx.get("atomics") or {}).get("isa") if isinstance(ctx.get("atomics"), dict) else None
    cols = {"host": ctx.get("host_name"), "cpu_model": (ctx.get("cpu_model") or "").strip() or None,
            "num_cpus": ctx.get("num_cpus") if isinstance(ctx.get("num_cpus"), int) else None,
            "cores": cores, "packages": packages, "isa": isa}
    fp = hashlib.sha256(json.dumps(machine_of(ctx)).encode()).hexdigest()[:16]
    cols["description"] = "%s: %s CPUs (%s cores), %s" % (
        cols["host"] or "?", cols["num_cpus"] or "?", cores or "?", cols["cpu_model"] or "unknown CPU")
    return fp, cols


def config_key(ctx):
    """A hash of the measurement fields that must be equal for two runs to be
    compared (compare_load.MEASUREMENT_EXACT); the delay calibration, which
    compare.py checks within a tolerance, is not part of it."""
    exact = {k: v for k, v in measurement_of(ctx) if k in MEASUREMENT_EXACT}
    return hashlib.sha256(json.dumps(exact, sort_keys=True).encode()).hexdigest()[:16]


def _jtext(v):
    return None if v is None else json.dumps(v, sort_keys=True)


def _case_rows(doc):
    """[(case dict, [sample dicts])] of a result, ledger order first."""
    rows = {}
    for r in cr.samples(doc):
        rows.setdefault(r.get("run_name") or r.get("name"), []).append(r)
    out, seen = [], set()
    for entry in doc.get("cases") or []:
        name = entry.get("name")
        out.append((entry, rows.get(name, [])))
        seen.add(name)
    for name, got in rows.items():
        if name not in seen:  # an older file without a ledger entry
            first = got[0]
            out.append(({"name": name, "scenario": first.get("scenario"),
                         "primitive": first.get("primitive"), "params": first.get("params"),
                         "status": cr.worst_status(r.get("status") for r in got)}, got))
    return out


def _sample(case_id, run_id, row):
    figs = {f.key: f.extract(row) if cr.is_ok(row) else None for f in FIGURES}
    kind = primary_latency_key(row)
    lat = (row.get("latency") or {}).get(kind) or {} if kind else {}
    return (case_id, run_id, row.get("repetition_index") or 0, row.get("status") or "?",
            int(window_extended(row)), figs["throughput"], figs["cpu_ns_per_op"],
            figs["jain_index"], figs["p99"], kind, cr.finite(lat.get("p50")),
            cr.finite(lat.get("p99")), cr.finite(lat.get("p999")))


def add(store, path, label=None):
    """Add the file at `path`; (run id, True) when added, (id of the run
    already stored, False) when its content was there. StoreError otherwise,
    with nothing written."""
    kind, doc, raw = read(path)
    return add_document(store, doc, kind, raw, label=label, source_path=os.path.abspath(path))


def add_document(store, doc, kind, raw, label=None, source_path=None, digest=None):
    """add() of a document already read and checked; `digest` is its
    content_hash when the caller knows it."""
    digest = digest or content_hash(doc)
    found = store.one("SELECT id FROM runs WHERE content_hash = ?", (digest,))
    if found:
        return found[0], False
    ctx = doc.get("context") or {}
    fp, mcols = machine(ctx)
    cases = _case_rows(doc) if kind == "result" else []
    n_samples = sum(len(s) for _, s in cases)
    not_ok = sum(1 for c, _ in cases if c.get("status") != "ok") if kind == "result" else \
        (doc.get("summary") or {}).get("failures", 0)
    measurement = dict(measurement_of(ctx)) if kind == "result" else None
    kill_after = int(os.environ.get(KILL_AFTER_CASES_ENV) or 0)
    try:
        with store.write():
            store.execute("INSERT INTO machines (fingerprint, host, cpu_model, num_cpus, cores, "
                          "packages, isa, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT (fingerprint) DO NOTHING",
                          (fp, mcols["host"], mcols["cpu_model"], mcols["num_cpus"],
                           mcols["cores"], mcols["packages"], mcols["isa"],
                           mcols["description"]))
            machine_id = store.one("SELECT id FROM machines WHERE fingerprint = ?", (fp,))[0]
            got = store.one(
                "INSERT INTO runs (content_hash, kind, machine_id, config_key, date, added_at, "
                "label, git_revision, git_tree_dirty, contend_version, compiler, cxx_flags, "
                "build_type, sanitizer, kernel, peer_libraries, protocol_version, "
                "schema_version, measurement, command_line, complete, wall_seconds, "
                "source_path, cases, samples, not_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (content_hash) DO NOTHING RETURNING id",
                (digest, kind, machine_id, config_key(ctx) if kind == "result" else None,
                 utc(ctx.get("date")), now_utc(), label, ctx.get("git_revision"),
                 None if ctx.get("git_tree_dirty") is None else int(bool(ctx["git_tree_dirty"])),
                 ctx.get("contend_version"), ctx.get("compiler"), ctx.get("cxx_flags"),
                 ctx.get("build_type"), ctx.get("sanitizer"), ctx.get("kernel"),
                 ctx.get("peer_libraries"),
                 measurement.get("protocol_version") if measurement else None,
                 ctx.get("schema_version"), _jtext(measurement),
                 _jtext(ctx.get("command_line")),
                 None if ctx.get("complete") is None else int(bool(ctx["complete"])),
                 cr.finite(ctx.get("wall_seconds")), source_path, len(cases), n_samples,
                 not_ok))
            if got is None:  # another writer stored the same content meanwhile
                return store.one("SELECT id FROM runs WHERE content_hash = ?", (digest,))[0], \
                    False
            run_id = got[0]
            store.execute("INSERT INTO raw_results (run_id, encoding, bytes, body) "
                          "VALUES (?, 'zlib', ?, ?)",
                          (run_id, len(raw), store.blob(zlib.compress(raw, RAW_LEVEL))))
            _add_cases(store, run_id, cases, kill_after)
            if kind == "stress":
                _add_stress(store, run_id, doc)
    except StoreError:
        raise
    except Exception as e:  # a database error: one line (KeyboardInterrupt is not one)
        raise translate(e, store) from None
    return run_id, True


def _add_cases(store, run_id, cases, kill_after):
    samples = []
    for i, (entry, rows) in enumerate(cases):
        if kill_after and i == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        params = entry.get("params") if isinstance(entry.get("params"), dict) else {}
        first = rows[0] if rows else {}
        case_id = store.one(
            "INSERT INTO cases (run_id, name, suite, scenario, primitive, params, threads, "
            "status, unstable, throughput_spread, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (run_id, entry["name"], first.get("suite"), entry.get("scenario"),
             entry.get("primitive"),
             json.dumps({k: v for k, v in params.items() if k != "threads"}, sort_keys=True),
             params.get("threads") if "threads" in params else cr.threads_of(first),
             entry.get("status") or "?",
             None if entry.get("unstable") is None else int(bool(entry["unstable"])),
             cr.finite(entry.get("throughput_spread")), entry.get("detail")))[0]
        samples.extend(_sample(case_id, run_id, r) for r in rows)
    store.executemany(
        "INSERT INTO samples (case_id, run_id, repetition, status, window_extended, "
        "throughput, cpu_ns_per_op, jain_index, p99, latency_kind, latency_p50, latency_p99, "
        "latency_p999) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", samples)


def _add_stress(store, run_id, doc):
    store.executemany(
        "INSERT INTO stress_targets (run_id, scenario, primitive, trials, failures, "
        "wall_seconds) VALUES (?, ?, ?, ?, ?, ?)",
        [(run_id, t["scenario"], t["primitive"], t["trials"], t["failures"],
          cr.finite(t.get("wall_seconds"))) for t in doc["summary"]["targets"]])
    store.executemany(
        "INSERT INTO stress_failures (run_id, failure_id, case_name, scenario, primitive, "
        "detector, detail, signal, seed, replay) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(run_id, f["id"], f["case"], f.get("scenario"), f.get("primitive"), f["detector"],
          f.get("detail"), f.get("signal"), f.get("seed"), f.get("replay"))
         for f in doc["failures"]])
