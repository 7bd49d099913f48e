"""Console table and Markdown (a pull-request comment) of a compare.py report.

Both start with the summary line and the gate, then list what changed, worst
first (worse, not comparable, unstable, inconclusive, better); "same" rows are
only counted unless asked for. Each change is printed with its bootstrap
interval: "+3.1% [-1.2, +7.4]" (percent, NEW against BASE). Rows that share
one reason (too few repetitions, another machine, another measurement
configuration) are folded into one line naming a few of them, so that a run
of 266 cases compared against the wrong machine is one line, not 266.
"""
import html

from .compare_verdict import (BETTER, INCONCLUSIVE, NOT_COMPARABLE, ORDER, SAME, UNSTABLE,
                             WORSE, ci_text)

FOLD_AT = 4       # identical reasons folded when more rows than this share one
LIST_NAMES = 10   # names shown for unmatched cases before "... and N more"
MD_OPEN_ROWS = 30


def fmt_value(v, unit):
    if v is None:
        return "-"
    if unit == "ops/s":
        for scale, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(v) >= scale:
                return "%.3g %s/s" % (v / scale, p)
        return "%.3g /s" % v
    if unit == "ns":
        for scale, u in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
            if abs(v) >= scale:
                return "%.3g %s" % (v / scale, u)
        return "%.3g ns" % v
    return "%.3f" % v


def fmt_pct(v):
    return "-" if v is None else "%+.1f%%" % (100 * v)


def fmt_change(e):
    """The relative change of the medians and its interval: +3.1% [-1.2, +7.4]."""
    if e.get("ci") is None:
        return fmt_pct(e["effect"])
    return "%s %s" % (fmt_pct(e["effect"]), ci_text(e["ci"]))


def fmt_p(v):
    return "-" if v is None else "%.2g" % v


def rows_of(report, include_same=False):
    """Flat rows (verdict, case, figure entry or None, reason) in table order."""
    rows = []
    for c in report["cases"]:
        if c["case_level"] or not c["figures"]:
            rows.append((c["verdict"], c, None, c["reason"]))
            continue
        for e in c["figures"]:
            rows.append((e["verdict"], c, e, e["reason"]))
    if not include_same:
        rows = [r for r in rows if r[0] != SAME]

    def key(r):
        e = r[2]
        size = abs(e["effect"]) if e and e["effect"] is not None else 0.0
        return (ORDER.index(r[0]), -round(size, 3), r[1]["name"])
    return sorted(rows, key=key)


def fold(rows):
    """[(verdict, reason, [rows])]: rows without a figure test of their own
    that share verdict and reason are grouped when there are many of them."""
    groups, out = {}, []
    for r in rows:
        foldable = r[0] == NOT_COMPARABLE and (r[2] is None or r[3].startswith("no "))
        if foldable:
            k = (r[0], r[3] if r[2] is None else "%s [%s]" % (r[3], r[2]["label"]))
            if k not in groups:
                groups[k] = []
                out.append((r[0], k[1], groups[k]))
            groups[k].append(r)
        else:
            out.append((r[0], None, [r]))
    flat = []
    for verdict, reason, members in out:
        if reason is not None and len(members) <= FOLD_AT:
            flat += [(verdict, None, [m]) for m in members]
        else:
            flat.append((verdict, reason, members))
    return flat


def name_list(names, limit=LIST_NAMES):
    shown = ", ".join(names[:limit])
    return shown + (" ... and %d more" % (len(names) - limit) if len(names) > limit else "")


def _side_line(label, side):
    files = len(side.files)
    text = "%s: %s (%d result file%s" % (label, ", ".join(side.paths), files,
                                         "" if files == 1 else "s")
    if side.skipped:
        text += ", %d skipped: not contend results" % len(side.skipped)
    from .compare_load import machine_text
    return text + ") on " + "; ".join(machine_text(m) for m in side.machine_list())


def _settings_line(s):
    b = s["bootstrap"]
    unit = ("repetitions are the unit (--one-session)" if s.get("one_session") else
            "the run is the unit from %d runs per side (hierarchical bootstrap), or one new "
            "run against %d or more earlier ones (prediction interval); with fewer, a change "
            "among one run's repetitions is inconclusive" % ((s.get("min_runs", 3),) * 2))
    return (unit + "; " + "Mann-Whitney U (two-sided, exact); %s %s, alpha %.3g; min effect %.0f%%; "
            "unstable above spread %.0f%%; same needs the %.0f%% bootstrap CI of the median change "
            "(%d resamples) inside +-%.0f%%; delay calibrations may differ by %.3g%%"
            % (s["correction_name"], s["family_text"], s["alpha"], 100 * s["min_effect"],
               100 * s["cv_threshold"], 100 * b["level"], b["resamples"],
               100 * s["min_effect"], 100 * s["delay_tolerance"]))


def _unreachable_lines(report):
    sig = report["significance"]
    out = []
    blind = [u for u in sig if not u["lone_reachable"]]
    if blind:
        u = max(blind, key=lambda u: u["tests"])
        s = report["settings"]
        out.append("note: with %d vs %d samples (p >= %.2g) a change in one case alone cannot pass "
                   "%s over %d tests (it needs p <= %.2g); only a change shared by many cases "
                   "can. %s repetitions per side would find a lone one (or --family case)."
                   % (u["samples"][0], u["samples"][1], u["best_p_of_fewest_samples"],
                      s["correction"].upper() if s["correction"] == "bh" else "Holm",
                      u["tests"], u["lone_cutoff"],
                      u["repetitions_needed"] or "Many more"))
    under = sum(u["underpowered"] for u in sig)
    if under:
        out.append("%d figure%s moved by at least %.0f%% but could not have been significant: "
                   "listed as not comparable" % (under, "" if under == 1 else "s",
                                                 100 * report["settings"]["min_effect"]))
    return out


def _machine_warning(report, base, new):
    if set(base.machine_list()) == set(new.machine_list()):
        return []
    return ["warning: BASE and NEW were measured on different machines: %s" % (
        "verdicts computed anyway (--allow-different-machine), read them with care"
        if report["settings"]["allow_different_machine"] else
        "their common cases are not comparable (--allow-different-machine compares them)")]


def _measurement_warning(report):
    differing = [c for c in report["cases"] if c.get("measurement_differs")]
    if not differing:
        return []
    return ["warning: %d case%s measured with different measurement configurations (e.g. %s): "
            "%s" % (len(differing), " was" if len(differing) == 1 else "s were",
                    "; ".join(differing[0]["measurement_differs"]),
                    "verdicts computed anyway (--allow-different-measurement), read them with "
                    "care" if report["settings"]["allow_different_measurement"] else
                    "not comparable (--allow-different-measurement compares them)")]


# --- console ----------------------------------------------------------------

def console(report, base, new, include_same=False):
    s = report["summary"]
    lines = [_side_line("BASE", base), _side_line("NEW ", new), ""]
    lines.append("%s  (%d cases matched; %d only in BASE, %d only in NEW)"
                 % (s["line"], s["matched"], s["only_in_base"], s["only_in_new"]))
    worse = s["cases"][WORSE]
    lines.append("GATE: %s" % ("FAIL: %d case%s worse" % (worse, "" if worse == 1 else "s")
                               if s["gate"] == "fail" and worse else
                               "FAIL: the curve shape got worse" if s["gate"] == "fail"
                               else "PASS: nothing significantly worse"))
    lines.append(_settings_line(report["settings"]))
    lines += _unreachable_lines(report)
    lines += _machine_warning(report, base, new)
    lines += _measurement_warning(report)
    for w in base.warnings + new.warnings:
        lines.append("warning: " + w)
    table = fold(rows_of(report, include_same))
    if table:
        lines.append("")
        for verdict, reason, members in table:
            if reason is not None:
                lines.append("%-15s %d cases: %s  (%s)" % (verdict.upper(), len(members), reason,
                                                          name_list([m[1]["name"] for m in members],
                                                                 3)))
                continue
            v, c, e, why = members[0]
            if e is None:
                lines.append("%-15s %-21s %-18s %-25s %-8s %s  [%s]" % (
                    v.upper(), "", "(case)", _status_change(c), "", c["name"], why))
                continue
            change = "%s -> %s" % (fmt_value(e["base"]["median"], e["unit"]),
                                   fmt_value(e["new"]["median"], e["unit"]))
            note = why if v in (UNSTABLE, NOT_COMPARABLE, INCONCLUSIVE) \
                or (v == SAME and include_same) else "; ".join(e["notes"])
            lines.append("%-15s %-21s %-18s %-25s %-8s %s%s" % (
                v.upper(), fmt_change(e), e["label"][:18], change,
                "p=" + fmt_p(e["p_adjusted"]) if e["p_adjusted"] is not None else "",
                c["name"], "  [%s]" % note if note else ""))
    shapes = [x for x in report.get("shape", []) if x["verdict"] in (WORSE, BETTER)]
    if shapes:
        lines += ["", "Curve shape (medians; not a significance test%s):"
                  % ("; gates" if report["settings"]["gate_shape"] else "")]
        for x in sorted(shapes, key=lambda x: (x["verdict"] != WORSE, x["scenario"],
                                                x["primitive"])):
            lines.append("%-15s %s %s (%s): %s" % (
                x["verdict"].upper(), x["scenario"], x["primitive"], _params(x["params"]),
                "; ".join(x["changes"])))
    for label, names in (("Only in BASE", report["only_in_base"]),
                         ("Only in NEW", report["only_in_new"])):
        if names:
            lines += ["", "%s (%d): %s" % (label, len(names), name_list(names))]
    if not include_same and s["cases"][SAME]:
        lines += ["", "(%d same cases not listed; --all lists them)" % s["cases"][SAME]]
    return "\n".join(lines) + "\n"


def _status_change(c):
    b, n = c["status"]["base"], c["status"]["new"]
    return "" if b == n == "ok" else "status %s -> %s" % (b, n)


def _params(p):
    return ", ".join("%s=%s" % kv for kv in p.items()) or "default"


# --- Markdown ---------------------------------------------------------------

def _md(text):
    """Text from a result file inside a Markdown table: no HTML, no cell breaks."""
    return html.escape(str(text)).replace("|", "\\|").replace("`", "&#96;").replace("\n", " ")


def _md_table(rows):
    out = ["| verdict | case | figure | BASE | NEW | change [95% CI] | p (adj) | note |",
           "|---|---|---|---|---|---|---|---|"]
    for v, reason, members in fold(rows):
        if reason is not None:
            out.append("| %s | %d cases: %s | (case) | | | | | %s |" % (
                v, len(members), _md(name_list([m[1]["name"] for m in members], 3)), _md(reason)))
            continue
        v, c, e, why = members[0]
        if e is None:
            moved = _status_change(c)
            out.append("| %s | %s | (case) | %s | %s | | | %s |" % (
                "**%s**" % v if v in (WORSE, BETTER) else v, _md(c["name"]),
                _md(c["status"]["base"]) if moved else "",
                _md(c["status"]["new"]) if moved else "", _md(why)))
            continue
        note = why if v in (UNSTABLE, NOT_COMPARABLE, INCONCLUSIVE, SAME) \
            else "; ".join(e["notes"])
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            "**%s**" % v if v in (WORSE, BETTER) else v, _md(c["name"]), _md(e["label"]),
            fmt_value(e["base"]["median"], e["unit"]), fmt_value(e["new"]["median"], e["unit"]),
            fmt_change(e), fmt_p(e["p_adjusted"]), _md(note)))
    return out


def markdown(report, base, new, include_same=False):
    s = report["summary"]
    out = ["**%s** (%d cases) | gate: **%s**" % (s["line"], s["matched"], s["gate"].upper()), ""]
    out.append("BASE: %s<br>NEW: %s" % (_md(", ".join(base.paths)), _md(", ".join(new.paths))))
    out += ["", _md(_settings_line(report["settings"]))]
    for u in (_unreachable_lines(report) + _machine_warning(report, base, new)
              + _measurement_warning(report)):
        out += ["", "> " + _md(u)]
    for w in base.warnings + new.warnings:
        out += ["", "> warning: " + _md(w)]
    changed = rows_of(report, include_same=False)
    if changed:
        # A PR comment stays readable (and under the size limits of code
        # hosts): the worst rows in the open, the rest folded.
        out += [""] + _md_table(changed[:MD_OPEN_ROWS])
        if len(changed) > MD_OPEN_ROWS:
            out += ["", "<details><summary>%d more</summary>" % (len(changed) - MD_OPEN_ROWS),
                    ""] + _md_table(changed[MD_OPEN_ROWS:]) + ["", "</details>"]
    if s["cases"][SAME]:
        same = [r for r in rows_of(report, include_same=True) if r[0] == SAME]
        out += ["", "<details><summary>%d same (%d figures)</summary>" % (s["cases"][SAME],
                                                                           len(same)), ""]
        out += _md_table(same) + ["", "</details>"]
    shapes = [x for x in report.get("shape", []) if x["verdict"] in (WORSE, BETTER)]
    if shapes:
        out += ["", "**Curve shape** (medians, not a significance test)", ""]
        for x in shapes:
            out.append("- **%s** %s %s (%s): %s" % (x["verdict"], _md(x["scenario"]),
                                                    _md(x["primitive"]), _md(_params(x["params"])),
                                                    _md("; ".join(x["changes"]))))
    for label, names in (("Only in BASE", report["only_in_base"]),
                         ("Only in NEW", report["only_in_new"])):
        if names:
            out += ["", "**%s** (%d): %s" % (label, len(names), _md(name_list(names)))]
    return "\n".join(out) + "\n"
