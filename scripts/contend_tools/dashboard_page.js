// The trend dashboard's script (dashboard_page.py inlines it after uPlot).
// Filters live in the URL's hash (#machine=1&scenario=locks.contention&
// figure=throughput&params=...&primitive=mcs,ticket&x=revision&log=1): read
// on load and on hashchange exactly as if picked, written back on change.
// When a drawing is complete, <body data-drawn-ms> holds performance.now()
// and each chart's container data-series (primitives drawn) and
// data-points (runs on its x axis): what a headless test reads.
(function () {
  "use strict";
  const body = document.body;
  window.addEventListener("error", e => { body.dataset.error = String(e.message); });
  const D = JSON.parse(document.getElementById("data").textContent);
  const FIG = D.figures.map(f => ({key: f[0], label: f[1], unit: f[2], hib: !!f[3]}));
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                   "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#ad494a",
                   "#637939", "#e6550d", "#7b4173", "#3182bd", "#31a354", "#756bb1",
                   "#843c39", "#636363", "#d6616b", "#6baed6", "#fd8d3c", "#74c476"];
  const color = p => PALETTE[p % PALETTE.length];
  const $ = id => document.getElementById(id);
  const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                         '"': "&quot;", "'": "&#39;"})[c]);
  // series rows: [machine, scenario, params, primitive, figure, med, lo, hi, changes, verdict]
  const S = D.series.map(r => ({m: r[0], sc: r[1], ps: r[2], pr: r[3], f: r[4], med: r[5],
                                lo: r[6], hi: r[7], ch: r[8], v: r[9]}));
  const byMachine = D.machines.map(() => new Map());  // scenario -> [series]
  for (const s of S) {
    const g = byMachine[s.m];
    if (!g.has(s.sc)) g.set(s.sc, []);
    g.get(s.sc).push(s);
  }

  function fmt(v, unit) {
    if (v === null || v === undefined) return "–";
    const a = Math.abs(v);
    const g = x => Number(x.toPrecision(3)).toString();
    if (unit === "ops/s") {
      for (const [k, p] of [[1e9, "G"], [1e6, "M"], [1e3, "k"]]) if (a >= k) return g(v / k) + " " + p + "/s";
      return g(v) + " /s";
    }
    if (unit === "ns") {
      for (const [k, u] of [[1e9, "s"], [1e6, "ms"], [1e3, "µs"]]) if (a >= k) return g(v / k) + " " + u;
      return g(v) + " ns";
    }
    return v.toFixed(3);
  }
  const pct = r => r === null || r === undefined ? "–" : (r >= 0 ? "+" : "−") + Math.abs(100 * r).toFixed(1) + " %";
  const shortRev = r => r ? r.slice(0, 12) : "?";
  function revLink(m, i) {
    const rev = D.machines[m].rev[i];
    if (!rev) return "<i>no revision</i>";
    const text = "<code>" + esc(shortRev(rev)) + "</code>";
    if (!D.revUrl) return text;
    const url = D.revUrl.split("{rev}").join(encodeURIComponent(rev.split("-")[0]));
    return '<a href="' + esc(url) + '">' + text + "</a>";
  }
  const runDate = (m, i) => new Date(D.machines[m].t[i] * 1000).toISOString().slice(0, 16).replace("T", " ");

  // --- state and filters ----------------------------------------------------
  const state = {m: 0, sc: null, f: 0, ps: "all", prims: null, x: D.x, log: false};
  function scenariosOf(m) { return [...byMachine[m].keys()].sort((a, b) => D.scenarios[a].localeCompare(D.scenarios[b])); }
  function inView() {  // series of the machine, scenario and figure
    return (byMachine[state.m].get(state.sc) || []).filter(s => s.f === state.f);
  }
  function readHash() {
    const h = new URLSearchParams((location.search.slice(1) + "&" + location.hash.slice(1)).replace(/^&/, ""));
    const want = (k, list, match) => { const v = h.get(k); if (v === null) return -1; return list.findIndex(x => match(x, v)); };
    const m = want("machine", D.machines, (x, v) => String(x.id) === v || x.name === v || x.name.split(":")[0] === v);
    state.m = m >= 0 ? m : 0;
    const scs = scenariosOf(state.m);
    const sc = h.get("scenario");
    state.sc = sc !== null && scs.includes(D.scenarios.indexOf(sc)) ? D.scenarios.indexOf(sc) : scs[0];
    const f = want("figure", FIG, (x, v) => x.key === v);
    state.f = f >= 0 ? f : 0;
    state.ps = h.get("params") || "all";
    const pr = h.get("primitive") || h.get("primitives");
    state.prims = pr === null ? null : new Set(pr.split(",").map(p => D.primitives.indexOf(p)).filter(i => i >= 0));
    state.x = h.get("x") === "revision" || h.get("x") === "date" ? h.get("x") : D.x;
    state.log = h.get("log") === "1";
  }
  function writeHash() {
    const h = new URLSearchParams();
    h.set("machine", String(D.machines[state.m].id));
    h.set("scenario", D.scenarios[state.sc]);
    h.set("figure", FIG[state.f].key);
    if (state.ps !== "all") h.set("params", state.ps);
    if (state.prims) h.set("primitive", [...state.prims].map(p => D.primitives[p]).join(","));
    if (state.x !== D.x) h.set("x", state.x);
    if (state.log) h.set("log", "1");
    const text = "#" + h.toString();
    if (location.hash !== text) history.replaceState(null, "", text);
  }
  function options(sel, items, value) {
    sel.innerHTML = items.map(([v, t]) => '<option value="' + esc(v) + '">' + esc(t) + "</option>").join("");
    sel.value = String(value);
  }
  function fillFilters() {
    options($("f-machine"), D.machines.map((m, i) => [i, m.name + " (" + m.t.length + " runs)"]), state.m);
    options($("f-scenario"), scenariosOf(state.m).map(i => [i, D.scenarios[i]]), state.sc);
    options($("f-figure"), FIG.map((f, i) => [i, f.label + (f.unit ? " (" + f.unit + ")" : "")]), state.f);
    const sets = [...new Set(inView().map(s => s.ps))].sort((a, b) => D.params[a].localeCompare(D.params[b], undefined, {numeric: true}));
    if (state.ps !== "all" && !sets.some(p => D.params[p] === state.ps)) state.ps = "all";
    options($("f-params"), [["all", "all (" + sets.length + ")"]].concat(sets.map(p => [D.params[p], D.params[p]])), state.ps);
    $("f-x").value = state.x;
    $("f-log").checked = state.log;
    const prims = [...new Set((byMachine[state.m].get(state.sc) || []).map(s => s.pr))].sort((a, b) => D.primitives[a].localeCompare(D.primitives[b]));
    const box = $("f-primitives");
    box.querySelectorAll("label").forEach(l => l.remove());
    for (const p of prims) {
      const l = document.createElement("label");
      l.innerHTML = '<input type="checkbox" value="' + p + '"' + (!state.prims || state.prims.has(p) ? " checked" : "") +
        '><span class="swatch" style="background:' + color(p) + '"></span>' + esc(D.primitives[p]);
      box.appendChild(l);
    }
  }
  function fromForm() {
    state.m = Number($("f-machine").value);
    const scs = scenariosOf(state.m);
    state.sc = scs.includes(Number($("f-scenario").value)) ? Number($("f-scenario").value) : scs[0];
    state.f = Number($("f-figure").value);
    state.ps = $("f-params").value || "all";
    state.x = $("f-x").value;
    state.log = $("f-log").checked;
    const boxes = [...$("f-primitives").querySelectorAll("input")];
    state.prims = boxes.every(b => b.checked) ? null : new Set(boxes.filter(b => b.checked).map(b => Number(b.value)));
  }

  // --- charts -----------------------------------------------------------------
  let plots = [];
  // Charts of this drawing not drawn yet, and what to do when none is left.
  let waiting = 0, onAllDrawn = null, generation = 0;
  function firstDraw(u, gen) {
    if (u._drawn || gen !== generation) return;
    u._drawn = true;
    if (--waiting === 0 && onAllDrawn) onAllDrawn();
  }
  function render() {
    plots.forEach(u => u.destroy());
    plots = [];
    fillFilters();
    writeHash();
    const main = $("charts");
    main.innerHTML = "";
    const fig = FIG[state.f];
    const groups = new Map();
    for (const s of inView()) {
      if (state.ps !== "all" && D.params[s.ps] !== state.ps) continue;
      if (!groups.has(s.ps)) groups.set(s.ps, []);
      groups.get(s.ps).push(s);
    }
    const keys = [...groups.keys()].sort((a, b) => D.params[a].localeCompare(D.params[b], undefined, {numeric: true}));
    const pending = [];
    waiting = keys.length;
    onAllDrawn = null;
    generation++;
    for (const ps of keys) {
      const list = groups.get(ps).filter(s => !state.prims || state.prims.has(s.pr))
        .sort((a, b) => D.primitives[a.pr].localeCompare(D.primitives[b.pr]));
      pending.push(chart(main, ps, list, fig));
    }
    if (!keys.length) main.innerHTML = '<p class="empty">No series for this machine, scenario and figure.</p>';
    verdicts(fig);
    const m = D.machines[state.m];
    $("summary").textContent = m.name + ": " + m.t.length + " runs, " +
      (m.t.length ? runDate(state.m, 0) + " .. " + runDate(state.m, m.t.length - 1) : "") +
      "; change points by permutation test, BH across " + S.length + " series at " + D.settings.alpha +
      ", min shift " + 100 * D.settings.min_shift + " %, min segment " + D.settings.min_segment +
      " runs; generated " + D.generated + " from " + D.store;
    onAllDrawn = () => {
      body.dataset.charts = String(pending.length);
      body.dataset.series = String(pending.reduce((a, c) => a + Number(c.dataset.series), 0));
      body.dataset.points = String(pending.reduce((a, c) => a + Number(c.dataset.points), 0));
      body.dataset.drawnMs = performance.now().toFixed(1);
    };
    if (waiting === 0) onAllDrawn();
  }

  function chart(main, ps, list, fig) {
    const div = document.createElement("div");
    div.className = "chart";
    div.dataset.params = D.params[ps];
    div.dataset.labels = list.map(s => D.primitives[s.pr]).join(",");
    main.appendChild(div);
    const h = document.createElement("h3");
    h.textContent = D.scenarios[state.sc] + " — " + D.params[ps] + " — " + fig.label;
    div.appendChild(h);
    const m = D.machines[state.m];
    const keep = [];
    for (let i = 0; i < m.t.length; i++) if (list.some(s => s.med[i] !== null)) keep.push(i);
    const at = new Map(keep.map((i, j) => [i, j]));
    const byRev = state.x === "revision";
    const xs = byRev ? keep.map((_, j) => j) : keep.map(i => m.t[i]);
    const data = [xs], series = [{label: byRev ? "run" : "date",
      value: (u, v) => v === null || v === undefined ? "–" : byRev ? (keep[v] !== undefined ? shortRev(m.rev[keep[v]]) + " " + runDate(state.m, keep[v]) : "") : undefined}];
    if (!byRev) delete series[0].value;
    const bands = [], marks = [];
    for (const s of list) {
      const c = color(s.pr), name = D.primitives[s.pr];
      const base = data.length;
      data.push(keep.map(i => s.med[i]), keep.map(i => s.hi[i]), keep.map(i => s.lo[i]));
      series.push({label: name, stroke: c, width: 1.5, points: {size: 4},
                   value: (u, v) => fmt(v, fig.unit)},
                  {label: name + " max", class: "band", stroke: c + "00", width: 0, points: {show: false}},
                  {label: name + " min", class: "band", stroke: c + "00", width: 0, points: {show: false}});
      bands.push({series: [base + 1, base + 2], fill: c + "33"});
      for (const ch of s.ch) {
        const j = at.get(ch[0]);
        if (j === undefined) continue;
        let k = j - 1;  // the last run of the old level before this one
        while (k >= 0 && s.med[keep[k]] === null) k--;
        marks.push({j, k, color: c, s, ch});
      }
    }
    div.dataset.series = String(list.length);
    div.dataset.points = String(xs.length);
    div.dataset.changes = String(marks.length);
    const drawMarks = u => {
      const ctx = u.ctx, top = u.bbox.top, bottom = u.bbox.top + u.bbox.height;
      ctx.save();
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      for (const mk of marks) {
        const x1 = u.valToPos(xs[mk.j], "x", true);
        const x = mk.k >= 0 ? (x1 + u.valToPos(xs[mk.k], "x", true)) / 2 : x1;
        ctx.strokeStyle = mk.color;
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, bottom); ctx.stroke();
        ctx.fillStyle = mk.color;
        ctx.beginPath(); ctx.moveTo(x - 6 * devicePixelRatio, top); ctx.lineTo(x + 6 * devicePixelRatio, top);
        ctx.lineTo(x, top + 9 * devicePixelRatio); ctx.fill();
      }
      ctx.restore();
    };
    const gen = generation;
    const width = Math.max(480, Math.min(1400, main.clientWidth || 900) - 10);
    const axisX = byRev ? {space: 70, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
                           values: (u, splits) => splits.map(v => Number.isInteger(v) && keep[v] !== undefined ? shortRev(m.rev[keep[v]]) : "")}
                        : {};
    const opts = {
      width, height: 300, series, bands,
      scales: {x: {time: !byRev}, y: {distr: state.log ? 3 : 1}},
      axes: [axisX, {label: fig.label + (fig.unit ? " (" + fig.unit + ")" : ""), size: 70,
                     values: (u, splits) => splits.map(v => fmt(v, fig.unit))}],
      legend: {live: true},
      hooks: {draw: [u => { drawMarks(u); firstDraw(u, gen); }]},
    };
    plots.push(new uPlot(opts, data, div));
    if (marks.length) {
      const ul = document.createElement("ul");
      ul.className = "changes";
      ul.innerHTML = marks.map(mk => {
        const ch = mk.ch, dir = ch[5] < 0 ? "worse" : "better", prev = mk.k >= 0 ? keep[mk.k] : ch[0];
        return '<li class="' + dir + '"><span class="swatch" style="background:' + mk.color + '"></span><b>' +
          esc(D.primitives[mk.s.pr]) + "</b>: " + dir + " " + pct(ch[3]) + " (" + fmt(ch[1], fig.unit) + " → " +
          fmt(ch[2], fig.unit) + ") between " + revLink(state.m, prev) + " (" + runDate(state.m, prev) + ") and " +
          revLink(state.m, ch[0]) + " (" + runDate(state.m, ch[0]) + "), p = " + Number(ch[4].toPrecision(2)) + "</li>";
      }).join("");
      div.appendChild(ul);
    }
    return div;
  }

  // --- verdicts ------------------------------------------------------------------
  const VERDICT = {"-1": "worse", "1": "better", "0": "same"};
  function verdicts(fig) {
    const rows = S.filter(s => s.m === state.m && s.f === state.f);
    const rank = s => s.v[0] === -1 ? 0 : s.v[0] === 1 ? 1 : 2;
    rows.sort((a, b) => rank(a) - rank(b) || Math.abs(b.v[3] || 0) - Math.abs(a.v[3] || 0));
    const counts = [0, 0, 0];
    rows.forEach(s => counts[rank(s)]++);
    $("verdict-note").textContent = fig.label + " on " + D.machines[state.m].name + ": " + rows.length +
      " series, " + counts[0] + " worse, " + counts[1] + " better, " + counts[2] +
      " same. Latest run's median against the level before the last change point (or, without one, the median of the earlier runs).";
    $("verdicts").tBodies[0].innerHTML = rows.map(s => {
      const v = s.v, word = VERDICT[String(v[0])];
      return '<tr class="' + word + '" data-primitive="' + esc(D.primitives[s.pr]) + '"><td class="v">' + word +
        "</td><td>" + esc(D.scenarios[s.sc]) + "</td><td>" + esc(D.params[s.ps]) + "</td><td>" +
        esc(D.primitives[s.pr]) + '</td><td class="num">' + fmt(v[1], fig.unit) + '</td><td class="num">' +
        fmt(v[2], fig.unit) + '</td><td class="num">' + pct(v[3]) + '</td><td class="since">' +
        (v[4] >= 0 ? revLink(s.m, v[4]) + " " + runDate(s.m, v[4]) : "") + "</td></tr>";
    }).join("");
  }

  // --- wiring ----------------------------------------------------------------------
  $("filters").addEventListener("change", e => {
    fromForm();
    if (e.target.id === "f-machine" || e.target.id === "f-scenario") { state.prims = null; state.ps = "all"; }
    render();
  });
  $("f-all").addEventListener("click", () => { state.prims = null; render(); });
  $("f-none").addEventListener("click", () => { state.prims = new Set(); render(); });
  window.addEventListener("hashchange", () => { readHash(); render(); });
  if (!D.machines.length) { body.dataset.drawnMs = performance.now().toFixed(1); return; }
  readHash();
  render();
})();
