"""Reading the store: runs, one run's document, the baseline of a new run,
and a case's history — what store.py, compare.py, history.py and the
dashboard ask of it. Every function takes an open store_db.Store.
"""
import json
import zlib

from .store_db import BAD_INPUT, StoreError

RUN_COLUMNS = ("id", "kind", "machine_id", "config_key", "date", "added_at", "label",
               "git_revision", "contend_version", "compiler", "kernel", "protocol_version",
               "complete", "cases", "samples", "not_ok", "source_path", "content_hash")
FIGURE_COLUMNS = ("throughput", "cpu_ns_per_op", "jain_index", "p99")


def _runs(rows):
    return [dict(zip(RUN_COLUMNS, r)) for r in rows]


def runs(store, machine=None, label=None, kind=None, limit=None):
    """Stored runs, newest first (by the run's own date, then id)."""
    where, params = [], []
    if machine is not None:
        where.append("machine_id = ?")
        params.append(machine)
    if label is not None:
        where.append("label = ?")
        params.append(label)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    sql = "SELECT %s FROM runs%s ORDER BY date DESC, id DESC" % (
        ", ".join(RUN_COLUMNS), " WHERE " + " AND ".join(where) if where else "")
    if limit:
        sql += " LIMIT %d" % int(limit)
    return _runs(store.query(sql, tuple(params)))


def machines(store):
    rows = store.query("SELECT m.id, m.fingerprint, m.description, COUNT(r.id), MAX(r.date) "
                       "FROM machines m LEFT JOIN runs r ON r.machine_id = m.id "
                       "GROUP BY m.id, m.fingerprint, m.description ORDER BY m.id")
    return [dict(zip(("id", "fingerprint", "description", "runs", "last_date"), r))
            for r in rows]


def machine_id(store, ref):
    """A machine named by its id, fingerprint (prefix) or host name."""
    rows = machines(store)
    hits = [m for m in rows if str(m["id"]) == str(ref) or m["fingerprint"].startswith(str(ref))
            or m["description"].split(":")[0] == str(ref)]
    if len(hits) != 1:
        raise StoreError("--machine: %r %s (stored: %s)" % (
            ref, "matches no machine" if not hits else "matches %d machines" % len(hits),
            "; ".join("%s %s" % (m["id"], m["description"]) for m in rows) or "none"), BAD_INPUT)
    return hits[0]["id"]


def run(store, ref):
    """One run named by its id, a prefix of its content hash (8 or more hex
    digits) or `latest`; StoreError (BAD_INPUT) when none or several match."""
    ref = str(ref)
    if ref == "latest":
        got = runs(store, limit=1)
    elif ref.isdigit() and len(ref) < 8:
        got = _runs(store.query("SELECT %s FROM runs WHERE id = ?" % ", ".join(RUN_COLUMNS),
                                (int(ref),)))
    else:
        got = _runs(store.query("SELECT %s FROM runs WHERE content_hash LIKE ?"
                                % ", ".join(RUN_COLUMNS), (ref.lower() + "%",)))
    if len(got) != 1:
        raise StoreError("run %r: %s in %s (allowed: a run id, 8+ digits of its hash, latest)"
                         % (ref, "no such run" if not got else "%d runs match" % len(got),
                            store.shown), BAD_INPUT)
    return got[0]


def raw_bytes(store, run_id):
    row = store.one("SELECT encoding, body FROM raw_results WHERE run_id = ?", (run_id,))
    if row is None:
        raise StoreError("run %s has no raw result in %s" % (run_id, store.shown))
    if row[0] != "zlib":
        raise StoreError("run %s: raw result in an unknown encoding %r" % (run_id, row[0]))
    return zlib.decompress(bytes(row[1]))


def document(store, run_id):
    return json.loads(raw_bytes(store, run_id))


def baseline(store, new, k):
    """The last k result runs before `new` (a run dict, stored or not) of
    the same machine and measurement configuration, newest first: a new
    run's history, each run one observation."""
    rows = store.query(
        "SELECT %s FROM runs WHERE kind = 'result' AND machine_id = ? AND config_key = ? "
        "AND content_hash <> ? AND (date < ? OR CAST(? AS TEXT) IS NULL) ORDER BY date DESC, id DESC LIMIT ?"
        % ", ".join(RUN_COLUMNS),
        (new["machine_id"], new["config_key"], new["content_hash"], new["date"], new["date"],
         int(k)))
    return _runs(rows)


def case_history(store, machine, case, figure, config_key=None):
    """One case's figure over every stored run of `machine` (and of one
    measurement configuration, if given), oldest first: [{run, date,
    git_revision, label, status, values: [per ok repetition]}]."""
    if figure not in FIGURE_COLUMNS:
        raise StoreError("figure %r: allowed: %s" % (figure, ", ".join(FIGURE_COLUMNS)),
                         BAD_INPUT)
    rows = store.query(
        "SELECT r.id, r.date, r.git_revision, r.label, c.status, s.status, s.%s "
        "FROM cases c JOIN runs r ON r.id = c.run_id "
        "LEFT JOIN samples s ON s.case_id = c.id "
        "WHERE c.name = ? AND r.machine_id = ?%s ORDER BY r.date, r.id, s.repetition"
        % (figure, " AND r.config_key = ?" if config_key else ""),
        (case, machine) + ((config_key,) if config_key else ()))
    out = []
    for run_id, date, rev, label, status, s_status, value in rows:
        if not out or out[-1]["run"] != run_id:
            out.append({"run": run_id, "date": date, "git_revision": rev, "label": label,
                        "status": status, "values": []})
        if s_status == "ok" and value is not None:
            out[-1]["values"].append(value)
    return out


def samples_of(store, run_ids, figure):
    """{run id: {case name: [figure per ok repetition]}} for the given runs,
    with each case's (scenario, primitive, params, threads) and status."""
    if figure not in FIGURE_COLUMNS:
        raise StoreError("figure %r: allowed: %s" % (figure, ", ".join(FIGURE_COLUMNS)),
                         BAD_INPUT)
    out = {r: {} for r in run_ids}
    for i in range(0, len(run_ids), 500):
        chunk = run_ids[i:i + 500]
        rows = store.query(
            "SELECT c.run_id, c.name, c.scenario, c.primitive, c.params, c.threads, c.status, "
            "s.status, s.%s FROM cases c LEFT JOIN samples s ON s.case_id = c.id "
            "WHERE c.run_id IN (%s) ORDER BY c.run_id, c.id, s.repetition"
            % (figure, ", ".join("?" * len(chunk))), tuple(chunk))
        for run_id, name, scen, prim, params, threads, status, s_status, value in rows:
            case = out[run_id].get(name)
            if case is None:
                case = out[run_id][name] = {"scenario": scen, "primitive": prim,
                                            "params": json.loads(params), "threads": threads,
                                            "status": status, "values": []}
            if s_status == "ok" and value is not None:
                case["values"].append(value)
    return out
