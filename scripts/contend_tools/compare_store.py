"""compare.py --store: a new run against its own history in the results store.

NEW is a result file (stored or not) or a stored run (its id, 8+ digits of
its hash, `latest`). BASE is the last k result runs of the store measured on
the same machine (host, CPU model, CPU count) with the same measurement
configuration (store_ingest.config_key) and dated before NEW, each run one
observation (compare_verdict: the new run against the earlier runs'
spread). The new run is never its own baseline, even when it is stored.
"""
import os

from . import contend_result as cr
from . import store_db as db
from . import store_ingest as ingest
from . import store_query as q
from .compare_load import Side
from .result_inputs import InputError


def _new_run(store, ref):
    """(run dict with machine_id, config_key, content_hash, date; name; doc)."""
    if os.path.exists(ref):
        try:
            doc = cr.load(ref, strict=False)
        except cr.ContendResultError as e:
            raise InputError("%s: %s" % (ref, e)) from None
        ctx = doc.get("context") or {}
        fp, _ = ingest.machine(ctx)
        row = store.one("SELECT id FROM machines WHERE fingerprint = ?", (fp,))
        run = {"machine_id": row[0] if row else None, "config_key": ingest.config_key(ctx),
               "content_hash": ingest.content_hash(doc), "date": ingest.utc(ctx.get("date"))}
        return run, ref, doc
    run = q.run(store, ref)
    if run["kind"] != "result":
        raise InputError("NEW: stored run %s is a stress report, not a result" % run["id"])
    return run, "store run %d" % run["id"], q.document(store, run["id"])


def sides(url, new_ref, k, delay_tolerance):
    """(BASE side, NEW side, one line saying what BASE is)."""
    if k < 1:
        raise InputError("--history: %d: at least 1 earlier run (3 or more to decide)" % k)
    try:
        store = db.open_store(url)
    except db.StoreError as e:
        raise InputError(str(e)) from None
    try:
        run, name, doc = _new_run(store, new_ref)
        earlier = q.baseline(store, run, k) if run["machine_id"] is not None else []
        if not earlier:
            raise InputError("%s: the store %s has no earlier run of this machine with this "
                             "measurement configuration (add some: contend-store add)"
                             % (new_ref, store.shown))
        docs = [("store run %d" % r["id"], q.document(store, r["id"])) for r in earlier]
    except db.StoreError as e:
        raise InputError(str(e)) from None
    finally:
        store.close()
    base = Side("BASE", [], delay_tolerance, documents=docs)
    new = Side("NEW", [], delay_tolerance, documents=[(name, doc)])
    what = ("BASE: the last %d run%s of this machine and configuration in %s (runs %s, %s .. %s)"
            % (len(earlier), "" if len(earlier) == 1 else "s", store.shown,
               ", ".join(str(r["id"]) for r in earlier), earlier[-1]["date"], earlier[0]["date"]))
    return base, new, what
