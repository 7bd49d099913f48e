"""Reading contend result files (results/FORMAT.md) for the scripts.

load(path) returns the parsed document or raises ContendResultError with a
one-line message. The helpers below pick and group rows the way every script
wants them: samples are the `run_type: iteration` rows, and a plot line is one
(scenario, primitive, parameters other than `threads`) group.

Standard library only.
"""
import hashlib
import json
import math
import os
import re
import statistics

# The schemas sit in results/ beside scripts/, in the source tree and in an
# installed share/contend alike.
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir,
                           "results", "contend-result.schema.json")

# A case's or sample's status, from good to worst: the one definition every
# tool ranks by (contend writes them: harness/result_document.hpp; the
# schema enumerates them). A status this list does not know ranks worst.
STATUSES = ("ok", "invalid", "deadlock", "timeout", "crashed")


def severity(status):
    """0 for ok, growing with how bad the status is; unknown ones rank worst."""
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def worst_status(statuses):
    """The worst of `statuses` (empty ones ignored); "ok" when there are none."""
    statuses = [s for s in statuses if s]
    return max(statuses, key=severity) if statuses else "ok"


class ContendResultError(Exception):
    """A file that cannot be used as a contend result; str() is one line."""


class UnreadableError(ContendResultError):
    """Missing, unreadable, empty, truncated or not JSON at all."""


class NonFiniteError(ContendResultError):
    """JSON that contains NaN, Infinity or -Infinity (forbidden by FORMAT.md)."""


class NotAResultError(ContendResultError):
    """Valid JSON, but not shaped like a contend result."""


def _reject_constant(token):
    raise ValueError(token)


def _none_for_constant(token):
    return None


def read_json(path, strict=True):
    """Parse `path` as JSON.

    strict=True rejects the NaN/Infinity tokens Python's json accepts by
    default (NonFiniteError); strict=False reads them as None, i.e. as the
    `null` the writer should have emitted.
    """
    return parse_json(read_bytes(path), strict)


def read_bytes(path):
    """The file's bytes, or UnreadableError saying why not."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise UnreadableError("no such file") from None
    except IsADirectoryError:
        raise UnreadableError("is a directory") from None
    except OSError as e:
        raise UnreadableError("cannot read: %s" % (e.strerror or e)) from None


def parse_json(raw, strict=True):
    """read_json() of bytes already read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnreadableError("not JSON: not UTF-8 text (byte %d)" % e.start) from None
    if not text.strip():
        raise UnreadableError("empty file")
    hook = _reject_constant if strict else _none_for_constant
    try:
        return json.loads(text, parse_constant=hook)
    except ValueError as e:
        if not isinstance(e, json.JSONDecodeError):
            raise NonFiniteError("bare %s in JSON (a missing figure must be null)" % e) from None
        if e.pos >= len(text.rstrip()):
            raise UnreadableError("truncated JSON: the document ends early (%d bytes)"
                                  % len(raw)) from None
        raise UnreadableError("not JSON: %s at line %d column %d"
                              % (e.msg, e.lineno, e.colno)) from None


def check_shape(doc):
    """Raise NotAResultError unless `doc` looks like a contend result.

    This is the cheap recognition the scripts need, not the schema (see
    validate_result.py for that).
    """
    if not isinstance(doc, dict):
        raise NotAResultError("not a contend result: top level is %s, not an object"
                              % type(doc).__name__)
    ctx = doc.get("context")
    if not isinstance(ctx, dict):
        raise NotAResultError("not a contend result: no \"context\" object")
    if "schema_version" not in ctx:
        raise NotAResultError("not a contend result: no context.schema_version")
    if not isinstance(doc.get("benchmarks"), list):
        raise NotAResultError("not a contend result: no \"benchmarks\" list")
    rows = doc["benchmarks"]
    bad = [i for i, r in enumerate(rows) if not isinstance(r, dict)]
    if bad:
        raise NotAResultError("not a contend result: benchmarks[%d] is not an object" % bad[0])


def load(path, strict=True):
    """Read and recognise a contend result; raises ContendResultError."""
    doc = read_json(path, strict=strict)
    check_shape(doc)
    return doc


# --- picking rows ---------------------------------------------------------

def samples(doc):
    """The measured repetitions: rows with run_type "iteration"."""
    return [r for r in doc.get("benchmarks", []) if r.get("run_type") == "iteration"]


def aggregates(doc, name=None):
    """Aggregate rows, optionally only those with aggregate_name == name."""
    return [r for r in doc.get("benchmarks", [])
            if r.get("run_type") == "aggregate"
            and (name is None or r.get("aggregate_name") == name)]


def is_ok(row):
    return row.get("status") == "ok"


def threads_of(row):
    t = row.get("threads")
    if t is None:
        t = (row.get("params") or {}).get("threads")
    return t


def fixed_params(row, exclude=("threads",)):
    """The row's parameters other than `threads` (or those in `exclude`), as a dict."""
    return {k: v for k, v in (row.get("params") or {}).items() if k not in exclude}


def params_key(row, exclude=("threads",)):
    """Hashable, order-independent key of the row's parameters other than threads."""
    return tuple(sorted(fixed_params(row, exclude).items(), key=lambda kv: kv[0]))


def group_by(rows, keyfunc):
    """dict key -> rows, keys in first-seen order."""
    out = {}
    for r in rows:
        out.setdefault(keyfunc(r), []).append(r)
    return out


def group_cases(rows):
    """(scenario, primitive, params_key) -> rows: one plot line each."""
    return group_by(rows, lambda r: (r.get("scenario"), r.get("primitive"), params_key(r)))


def by_scenario(rows):
    return group_by(rows, lambda r: r.get("scenario"))


def parameter_sets(rows, exclude=("threads",)):
    """The distinct fixed-parameter combinations of `rows` that deserve their
    own figure, each with the rows that belong to it: [(params dict, rows)].
    The parameters in `exclude` are the figure's axes, not fixed.

    A row whose fixed parameters are a subset of a fuller combination (a
    primitive that does not take `relax`, say) is compatible with it and is
    drawn in every figure it is compatible with, so that it is compared with
    the others instead of sitting alone in a figure of its own.
    """
    combos = {}
    for r in rows:
        combos.setdefault(params_key(r, exclude), fixed_params(r, exclude))
    keys = list(combos)
    maximal = [k for k in keys
               if not any(set(k) < set(o) for o in keys if o != k)]
    out = []
    for k in maximal:
        full = set(k)
        members = [r for r in rows if set(params_key(r, exclude)) <= full]
        out.append((combos[k], members))
    return out


def shape_of(row):
    """(producers, consumers) of a queue row or case, or None."""
    p = row.get("params") or {}
    pc = p.get("producers"), p.get("consumers")
    return pc if all(isinstance(v, int) and not isinstance(v, bool) for v in pc) else None


def primitives(rows):
    return sorted({r.get("primitive") for r in rows if r.get("primitive") is not None})


def metric(row, name):
    """row.metrics[name] as a finite float, or None."""
    return finite((row.get("metrics") or {}).get(name))


def finite(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def median(values):
    vals = [v for v in (finite(x) for x in values) if v is not None]
    return statistics.median(vals) if vals else None


def not_ok_text(rows, lost):
    """What went wrong at one point, one line per status: 'invalid x2' for the
    not-ok samples `rows`, 'timeout, no sample' for the ledger cases `lost`;
    '' when all is well."""
    seen = group_by([r.get("status") or "?" for r in rows if not is_ok(r)]
                    + [(c.get("status") or "?") + ", no sample" for c in lost], str)
    return "\n".join(k + (" x%d" % len(v) if len(v) > 1 else "") for k, v in seen.items())


def percentile_entries(rows, lost, key, pks):
    """Per primitive of `rows` and `lost`: (primitive, {percentile: median of
    latency[key][percentile] over its ok samples, or over its not-ok ones when
    none is ok}, not_ok_text). Sorted by the first of `pks`, lowest first;
    primitives without a value last."""
    out = []
    for p in primitives(rows + lost):
        prow = [r for r in rows if r.get("primitive") == p]
        use = [r for r in prow if is_ok(r)] or prow
        med = {pk: median(((r.get("latency") or {}).get(key) or {}).get(pk) for r in use)
               for pk in pks}
        bad = not_ok_text(prow, [c for c in lost if c.get("primitive") == p])
        out.append(((med[pks[0]] is None, med[pks[0]] or 0, p), p, med, bad))
    return [e[1:] for e in sorted(out)]


def latency_keys(rows):
    """Latency kinds present in the rows, in the order the writer used."""
    keys = []
    for r in rows:
        for k in (r.get("latency") or {}):
            if k not in keys:
                keys.append(k)
    return keys


def wait_latency_keys(rows):
    """The latency kinds that are waits (acquire_wait; read_wait and
    write_wait), or else the primary (first) kind: what the latency figure
    shows. Other kinds (a lock's hold time) stay in the file."""
    keys = latency_keys(rows)
    waits = [k for k in keys if k.endswith("_wait")]
    return waits or keys[:1]


def is_rw(rows):
    """True for reader-writer scenarios: split read/write figures exist."""
    return any(metric(r, "read_ops_per_s") is not None
               or metric(r, "write_ops_per_s") is not None for r in rows)


def slug(text, maxlen=80):
    """A filesystem-safe fragment of a file name."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._")
    if len(s) > maxlen:
        h = hashlib.sha1(s.encode()).hexdigest()[:8]
        s = s[:maxlen - 9].rstrip("._") + "-" + h
    return s or "_"


def params_slug(params):
    """'cs_ns-100_think_ns-400' for {'cs_ns': 100, 'think_ns': 400}; 'default' if empty."""
    if not params:
        return "default"
    return slug("_".join("%s-%s" % (k, v) for k, v in params.items()))


def params_text(params):
    """'cs_ns=100, think_ns=400' for titles."""
    return ", ".join("%s=%s" % (k, v) for k, v in params.items()) or "default parameters"
