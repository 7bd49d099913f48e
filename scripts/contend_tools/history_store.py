"""history.py --store: the runs and series of one machine's history, read
from the results store's tables instead of result files (a thousand runs
need no thousand 7 MB documents).

The runs are the result runs of one machine (--machine, needed when the
store holds several) with one measurement configuration: the latest run's,
or --config KEY; runs measured otherwise are left out and counted in a
warning, because a level change between two configurations is not a change
of the primitive.
"""
from . import store_db as db
from . import store_query as q
from .history import add_series, run_date
from .result_inputs import InputError


def load(args, figures, case_filter, order_runs):
    """(runs, series, warnings) shaped like history.load_runs/build_series;
    the runs put in order by `order_runs` (history.order_runs)."""
    try:
        store = db.open_store(args.store or None)
    except db.StoreError as e:
        raise InputError(str(e)) from None
    try:
        with store.read():
            return _load(store, args, figures, case_filter, order_runs)
    except db.StoreError as e:
        raise InputError(str(e)) from None
    finally:
        store.close()


def _load(store, args, figures, case_filter, order_runs):
    known = [m for m in q.machines(store) if m["runs"]]
    if args.machine:
        machine = q.machine_id(store, args.machine)
    elif len(known) == 1:
        machine = known[0]["id"]
    else:
        raise InputError("--machine: the store %s holds runs of %d machines, name one (%s)"
                         % (store.shown, len(known), "; ".join(
                             "%s %s" % (m["id"], m["description"]) for m in known) or "none"))
    stored = q.runs(store, machine=machine, kind="result")
    if not stored:
        raise InputError("the store %s has no result run of machine %s" % (store.shown, machine))
    config = args.config or stored[0]["config_key"]
    picked = [r for r in stored if r["config_key"] == config]
    warnings = []
    if len(picked) < len(stored):
        warnings.append("%d of the machine's %d runs measured with another configuration left "
                        "out (this history: configuration %s; --config picks another)"
                        % (len(stored) - len(picked), len(stored), config))
    picked.reverse()  # oldest first; history.order_runs sorts again
    runs = [{"path": "store run %d" % r["id"], "store_id": r["id"], "date": run_date({"date": r["date"]}),
             "rev": r["git_revision"]} for r in picked]
    if len(runs) < 2:
        raise InputError("the store %s: a history needs at least 2 runs of this machine and "
                         "configuration, found %d" % (store.shown, len(runs)))
    order_runs(runs, args.order, args.repo, warnings)
    return runs, _series(store, runs, figures, case_filter, args.order), warnings


def _series(store, runs, figures, case_filter, order):
    ids = [r["store_id"] for r in runs]
    index = {r["store_id"]: r["index"] for r in runs}
    out = {}
    for fig in figures:
        by_run = q.samples_of(store, ids, fig.key)
        cases = {}
        for run_id in sorted(ids, key=index.get):
            for name, c in by_run[run_id].items():
                if case_filter and not case_filter.search(name):
                    continue
                cases.setdefault(name, []).append((index[run_id], c))
        for name, visits in cases.items():
            add_series(out, name, fig, order, [(run, c["status"], c["values"])
                                               for run, c in visits])
    return out
