"""Synthetic contend results for the tests of the results tools
(test_compare.py, test_history.py, test_report.py): cases whose throughput
levels are chosen, repetitions drawn around them with seeded noise, so that
every run of the tests sees the same numbers.
"""
import copy
import math
import random


def measurement(**changes):
    """The measurement configuration the harness records in context.measurement
    (protocol 2), with `changes` applied."""
    m = {"protocol_version": 2, "sample_every": "auto", "latency_window_ns": 20000000,
         "duration_ns": 100000000, "warmup_ns": 0, "pin": "none", "order": "interleaved",
         "seed": 1, "build_type": "Release", "cxx_flags": "-O2", "sanitizer": None,
         "delay_iterations_per_ns": 1.8}
    for k, v in changes.items():
        if k not in m:
            raise KeyError("no measurement field %r" % k)
        m[k] = v
    return m


def context(host="synth", cpu="Synthetic CPU", cpus=8, date="2026-11-01T00:00:00+00:00",
            rev=None, measured=None):
    """A result's context. measured: the context.measurement object (default
    measurement()); False for a file written before it existed (protocol 1),
    whose options and delay_calibration then say what they can."""
    ctx = {"date": date, "host_name": host, "executable": "contend", "num_cpus": cpus,
            "library_build_type": "release", "schema_version": 1, "contend_version": "0.1.0",
            "git_revision": rev, "compiler": "GNU 12.2.0", "cxx_flags": "-O2",
            "build_type": "Release", "kernel": "Linux", "cpu_model": cpu,
            "topology": {"packages": 1, "cores": cpus, "pus": cpus, "numa_nodes": 1},
            "options": {"repetitions": 5, "duration_ns": 1e8, "warmup_ns": 0, "pin": "none",
                        "sample_every": 1},
            "delay_calibration": {"iterations_per_ns": 1.8, "points": []},
            "command_line": ["contend", "run"], "complete": True,
            "warnings": ["synthetic: not a measurement"], "wall_seconds": 1.0}
    if measured is not False:
        ctx["measurement"] = measured if measured is not None else measurement()
    return ctx


def sample_row(name, scenario, primitive, params, rep, reps, tput, cpu_ns=None, jain=1.0,
               p99=1000.0, status="ok"):
    threads = params.get("threads", 1)
    cpu_ns = cpu_ns if cpu_ns is not None else threads * 1e9 / tput
    ops = int(tput * 0.1)
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": reps,
            "repetition_index": rep, "threads": threads, "iterations": ops,
            "real_time": threads * 1e9 / tput, "cpu_time": cpu_ns, "time_unit": "ns",
            "items_per_second": tput, "suite": scenario.split(".")[0], "scenario": scenario,
            "primitive": primitive, "params": dict(params), "status": status,
            "metrics": {"window_ns": 1e8, "total_ops": ops, "throughput_ops_per_s": tput,
                        "cpu_ns_per_op": cpu_ns, "jain_index": jain},
            "per_thread": [{"thread": i, "ops": ops // threads} for i in range(threads)],
            "latency": {"acquire_wait": {"unit": "ns", "count": ops, "mean": p99 / 3,
                                         "p50": p99 / 4, "p90": p99 / 2, "p99": p99,
                                         "p999": p99 * 2, "max": p99 * 10}},
            "validation": {"ok": status == "ok", "checks": {}, "detail": None}}


def case_name(scenario, primitive, params):
    return "/".join([scenario, primitive] + ["%s:%s" % kv for kv in params.items()])


def synthetic_result(levels, reps=8, cv=0.02, seed=0, scale=1.0, ctx=None, statuses=None,
                     scenario="locks.contention"):
    """A result whose cases are {(primitive, threads): median throughput}.
    Every repetition is the level times lognormal noise of the given CV;
    the other figures follow it (CPU ns/op from throughput, p99 ~ 1/throughput,
    Jain falling slightly with the thread count). statuses: {(primitive,
    threads): status} for cases that are not ok (they get no samples)."""
    rng = random.Random(seed)
    statuses = statuses or {}
    cases, rows = [], []
    for (prim, threads), level in levels.items():
        params = {"threads": threads, "cs_ns": 100}
        name = case_name(scenario, prim, params)
        status = statuses.get((prim, threads), "ok")
        cases.append({"name": name, "scenario": scenario, "primitive": prim,
                      "params": params, "status": status,
                      "detail": None if status == "ok" else "synthetic failure",
                      "signal": "SIGSEGV" if status == "crashed" else None,
                      "samples": 0 if status != "ok" else reps})
        if status != "ok":
            continue
        for rep in range(reps):
            t = level * scale * math.exp(rng.gauss(0, cv))
            rows.append(sample_row(name, scenario, prim, params, rep, reps, t,
                                   jain=max(0.2, 1 - 0.01 * threads * (1 + rng.gauss(0, cv))),
                                   p99=1e10 / t))
    return {"context": ctx or context(), "cases": cases, "benchmarks": rows}


def samples_result(samples, ctx=None, scenario="locks.contention"):
    """A result whose cases are {(primitive, threads): [throughput of each
    repetition]}, exactly: for tests that need chosen medians and spreads.
    CPU ns/op and p99 follow the throughput as in synthetic_result; the Jain
    index is 1."""
    cases, rows = [], []
    for (prim, threads), values in samples.items():
        params = {"threads": threads, "cs_ns": 100}
        name = case_name(scenario, prim, params)
        cases.append({"name": name, "scenario": scenario, "primitive": prim, "params": params,
                      "status": "ok", "detail": None, "signal": None, "samples": len(values)})
        for rep, t in enumerate(values):
            rows.append(sample_row(name, scenario, prim, params, rep, len(values), t,
                                   p99=1e10 / t))
    return {"context": ctx or context(), "cases": cases, "benchmarks": rows}


LEVELS = {(p, t): base * (1 + 0.1 * t)
          for p, base in (("mcs", 2e6), ("ticket", 1.5e6), ("std_mutex", 1e6))
          for t in (1, 2, 4)}


def scale_throughput(doc, factor, in_place=False):
    """The issue's synthetic regression: every sample's throughput times factor."""
    doc = doc if in_place else copy.deepcopy(doc)
    for r in doc["benchmarks"]:
        if r.get("run_type") == "iteration":
            if r.get("items_per_second") is not None:
                r["items_per_second"] *= factor
            m = r.get("metrics") or {}
            if m.get("throughput_ops_per_s") is not None:
                m["throughput_ops_per_s"] *= factor
    return doc
