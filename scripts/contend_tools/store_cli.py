"""The results store: add runs, list them, show one, export its JSON.

Usage: store.py [--store URL] COMMAND ...

  add FILE... [--label TEXT]   add result files or stress reports (the same
                               content twice is stored once); `contend run
                               --store` calls this as its run finishes
  list [--machine M] [--label TEXT] [--limit N] [--json]
                               stored runs, newest first
  machines [--json]            the machines runs came from
  show RUN [--json]            one run: its context and each case's median
  export RUN... [-o FILE|DIR]  the stored JSON, byte for byte as it was added
  path                         where the store is (and whether it exists)

RUN is a run id, 8 or more hex digits of its content hash, or `latest`.
The store is --store URL, else $CONTEND_STORE, else the SQLite file
~/.local/share/contend/store.sqlite (created by the first add, its path
printed). URL: a path or sqlite:///PATH for SQLite; postgresql://... for a
PostgreSQL database (python3-psycopg), e.g.
postgresql://bench@db.example/contend or, on a Unix socket,
postgresql:///contend?host=/run/postgresql. compare.py --store and
history.py --store read the same store; dashboard.py draws it.

Exit status: 0 done; 2 bad input (a file that fails the schema, a truncated
file, an unknown run, a store of a newer schema: one line each, and every
other file named is still added); 3 the store failed (unreachable server,
full disk: nothing of the run being added was written).
"""
import json
import os
import statistics
import sys

from . import store_db as db
from . import store_ingest as ingest
from . import store_query as q
from .result_inputs import tool_parser

PROG = "store.py"


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("--store", metavar="URL", help="the store (default: $%s, else %s)"
                    % (db.ENV, db.default_path()))
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    a = sub.add_parser("add", help="add result files or stress reports")
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--label", help="your own label for these runs (a branch, a PR number)")
    a.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    ls = sub.add_parser("list", help="stored runs, newest first")
    ls.add_argument("--machine", metavar="M", help="machine id, fingerprint or host name")
    ls.add_argument("--label")
    ls.add_argument("--limit", type=int, default=50, help="at most N runs (default 50; 0: all)")
    ls.add_argument("--json", action="store_true")
    m = sub.add_parser("machines", help="the machines runs came from")
    m.add_argument("--json", action="store_true")
    sh = sub.add_parser("show", help="one run")
    sh.add_argument("run", metavar="RUN")
    sh.add_argument("--json", action="store_true")
    ex = sub.add_parser("export", help="the stored JSON of runs")
    ex.add_argument("runs", nargs="+", metavar="RUN")
    ex.add_argument("-o", "--out", metavar="FILE|DIR",
                    help="a file (one run) or a folder (RUN-<id>.json each); default stdout")
    sub.add_parser("path", help="where the store is")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    store = None
    try:
        if args.command == "path":
            dialect, _, shown = db.locate(args.store)
            exists = dialect != "sqlite" or os.path.exists(shown)
            print("%s%s" % (shown, "" if exists else " (not created yet: the first add does)"))
            return 0
        store = db.open_store(args.store, create=args.command == "add")
        if store.created and args.command == "add":
            print("created the store %s" % store.shown, file=sys.stderr)
        return COMMANDS[args.command](store, args)
    except db.StoreError as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return e.status
    finally:
        if store is not None:
            store.close()


def cmd_add(store, args):
    status = 0
    for path in args.files:
        try:
            run_id, added = ingest.add(store, path, label=args.label)
        except db.StoreError as e:
            print("%s: error: %s" % (PROG, e), file=sys.stderr)
            status = max(status, e.status)
            if e.status == db.STORE_FAILED:
                break  # the store itself failed: the next file would fail alike
            continue
        if not args.quiet:
            r = q.run(store, run_id)
            print("%s run %d: %s %s, %s, %d cases%s (%s)" % (
                "added" if added else "already stored as", run_id, r["kind"],
                r["date"] or "undated", (r["git_revision"] or "no revision")[:12], r["cases"],
                ", label " + r["label"] if r["label"] else "", path))
    return status


def cmd_list(store, args):
    machine = q.machine_id(store, args.machine) if args.machine else None
    rows = q.runs(store, machine=machine, label=args.label, limit=args.limit or None)
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return 0
    names = {m["id"]: m["description"] for m in q.machines(store)}
    print("%-5s %-20s %-7s %-12s %-6s %-9s %s" % ("run", "date", "kind", "revision", "cases",
                                                  "not ok", "machine, label"))
    for r in rows:
        print("%-5d %-20s %-7s %-12s %-6d %-9d %s%s" % (
            r["id"], r["date"] or "?", r["kind"], (r["git_revision"] or "-")[:12], r["cases"],
            r["not_ok"], names.get(r["machine_id"], "?"),
            ", " + r["label"] if r["label"] else ""))
    print("%d run%s shown; store %s" % (len(rows), "" if len(rows) == 1 else "s", store.shown))
    return 0


def cmd_machines(store, args):
    rows = q.machines(store)
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
        return 0
    for m in rows:
        print("%-4d %s  %s  (%d runs, last %s)" % (m["id"], m["fingerprint"], m["description"],
                                                   m["runs"], m["last_date"] or "-"))
    return 0


def cmd_show(store, args):
    r = q.run(store, args.run)
    cases = q.samples_of(store, [r["id"]], "throughput")[r["id"]]
    if args.json:
        json.dump({"run": r, "cases": cases}, sys.stdout, indent=1)
        print()
        return 0
    for k, v in r.items():
        print("%-16s %s" % (k, v))
    for name, c in cases.items():
        med = statistics.median(c["values"]) if c["values"] else None
        print("  %-8s %12s ops/s  (%d rep)  %s" % (
            c["status"], "%.4g" % med if med is not None else "-", len(c["values"]), name))
    return 0


def cmd_export(store, args):
    picked = [q.run(store, ref) for ref in args.runs]
    if args.out and (os.path.isdir(args.out) or len(picked) > 1):
        os.makedirs(args.out, exist_ok=True)
        for r in picked:
            path = os.path.join(args.out, "run-%d.json" % r["id"])
            _write(path, q.raw_bytes(store, r["id"]))
            print(path)
        return 0
    if len(picked) > 1:
        raise db.StoreError("export: several runs need -o DIR", db.BAD_INPUT)
    data = q.raw_bytes(store, picked[0]["id"])
    if args.out:
        _write(args.out, data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _write(path, data):
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise db.StoreError("-o: %s: cannot write: %s" % (path, e.strerror or e), db.BAD_INPUT)


COMMANDS = {"add": cmd_add, "list": cmd_list, "machines": cmd_machines, "show": cmd_show,
            "export": cmd_export}
