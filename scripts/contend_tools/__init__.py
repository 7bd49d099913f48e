"""contend's result tools, as one importable package.

The entry points beside this folder (scripts/plot.py, compare.py, ab.py,
history.py, report.py, export_csv.py, validate_result.py, fidelity.py,
delay_fidelity.py, gate_power.py, store.py, dashboard.py, store_bench.py,
fleet.py)
only put scripts/ on sys.path and call one module's main(); everything they
do is here:

  contend_result      reading a result file: samples, statuses, metrics, slugs
  result_inputs       loading inputs with one-line errors (no matplotlib)
  compare_*           the regression gate: loading, statistics, verdicts, output
  ab, ab_*            the A/B mode: interleaved rounds of two builds, paired verdicts
  paired_stats        its statistics: signed-rank test, Hodges-Lehmann interval
  history*            a series of runs: change points and their figures
                      (history_store: the series read from the store)
  store_*             the results store: schema and migrations, SQLite and
                      PostgreSQL behind one interface, adding a run, queries,
                      the CLI, synthetic histories, the benchmark
  compare_store       compare.py --store: a new run against its stored history
  dashboard*          the trend page drawn from the store (uPlot)
  fleet*              a fleet through Slurm: the description, the job array's
                      scripts, the tasks' states, machines side by side
  plot, plot_*        figures of one result: the driver, the look, the writer
  scenario_figures/   figure plugins, one module per scenario or kind of rows
  report*             the single-file HTML report
  export_csv          one CSV row per sample
  validate_result     the JSON schema check
  fidelity            the harness-fidelity benchmark
  delay_fidelity      the delay benchmark: achieved against requested, per primitive
  gate_power          the gate's power and false alarms, measured with a slowed control

Importing a plotting module starts matplotlib; the others do not.
"""
