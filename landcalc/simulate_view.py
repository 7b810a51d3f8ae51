"""How a Monte Carlo result looks: the tables, CSV rows, JSON and notes of ``simulate``.

Pure functions from a :class:`~landcalc.simulate.SimulationResult` to
:class:`landcalc.render.Table` objects; the CLI passes them to
:func:`landcalc.render.render`.
"""

from __future__ import annotations

from landcalc.render import UNITS, Column, Table, auto_unit, human_value

#: Width of the histogram when the output is not a terminal.
CHART_WIDTH = 64
#: Share of the draws left out at each end of the histogram.
CHART_TAILS = 0.001

STAT_COLUMNS = ("mean", "std", "p5", "p50", "p95")


def simulate_view(result, fmt="table", unit=None, width=None):
    """(tables for people, one CSV table, JSON data, notes) for ``simulate``.

    ``fmt`` decides how the histograms are wrapped (a code block in
    Markdown); ``width`` is the terminal's width, if any.
    """
    sc = result.scenario
    base = sc.baseline
    opt = Table(
        title=f"{sc.name} - {result.draws:,} draws, seed {result.seed}: NPV of each option",
        columns=[
            Column("option", "Option"),
            Column("label", "Label"),
            Column("mean", "Mean", "money"),
            Column("std", "Std", "money"),
            Column("p5", "P5", "money"),
            Column("p50", "P50", "money"),
            Column("p95", "P95", "money"),
        ],
    )
    for name, s in result.options.items():
        tag = " (baseline)" if name == base else ""
        opt.rows.append([name + tag, sc.options[name].label, s.mean, s.std, s.p5, s.p50, s.p95])
    cmp = probability_table(
        f"Against the baseline ({base}): the difference in NPV",
        "option",
        "Option",
        [(name, c.to_dict()) for name, c in result.comparisons.items()],
    )
    inputs = Table(
        title="Uncertain inputs",
        columns=[
            Column("input", "Input"),
            Column("distribution", "Distribution"),
            Column("p5", "P5", "number"),
            Column("p50", "P50", "number"),
            Column("p95", "P95", "number"),
        ],
    )
    for path, dist in result.distributions.items():
        p5, p50, p95 = (float(v) for v in dist.ppf([0.05, 0.5, 0.95]))
        inputs.rows.append([path, dist.describe(), p5, p50, p95])
    notes = []
    if result.correlation is not None:
        pairs = ", ".join(p.describe() for p in result.correlation.used_pairs)
        notes.append(f"Rank correlations (Spearman, imposed by Iman-Conover): {pairs}.")
    for name, c in result.comparisons.items():
        notes.append(probability_note(name, base, c))
        notes.append(difference_chart(result, name, fmt, unit, width))
    notes.append(
        f"Seed {result.seed}: run again with --seed {result.seed} --draws {result.draws} "
        "to repeat these draws."
    )
    return [opt, cmp, inputs], summary_csv(result), result.to_dict(), notes


def probability_note(name, base, c) -> str:
    """The probability in words, with its error bar and the draws a 0.5-point error needs."""
    n = c.draws
    p = c.probability_better
    if p == 0.0 or p == 1.0:
        which = "none" if p == 0.0 else "all"
        bound = 3.0 / n
        claim = "beats" if p == 0.0 else "falls behind"
        return (
            f"{name} is worth more than {base} in {which} of {n:,} draws; with 95% confidence "
            f"the chance that it {claim} {base} is below {_pct(bound)} (3 / draws)."
        )
    need = c.draws_for_target
    enough = "this run has enough" if n >= need else f"this run has {n:,}"
    return (
        f"{name} is worth more than {base} in {_pct(p)} of {n:,} draws (standard error "
        f"{c.probability_better_se * 100:.2g} percentage points). About {need:,} draws keep "
        f"the standard error below 0.5 points; {enough}."
    )


def _pct(x):
    return f"{x * 100:.3g}%"


def difference_chart(result, name, fmt="table", unit=None, width=None) -> str:
    """The histogram of one comparison's difference, 0 marked, as a note."""
    from landcalc.charts import MARK, histogram

    c = result.comparisons[name]
    d = c.difference
    unit = unit or auto_unit([d.p5, d.p95, d.mean])
    factor = UNITS[unit][0]

    def fmt_money(v):
        if v == 0:
            return "0"
        return human_value(v, "money", unit) if factor > 1 else f"{v:,.0f}"

    chart_width = max(20, min(100, (width or CHART_WIDTH + 8) - 8))
    body = histogram(
        result.difference[name],
        chart_width,
        marker=0.0,
        fmt=fmt_money,
        tails=CHART_TAILS,
        label="draws",
    )
    head = (
        f"Difference {name} - {result.scenario.baseline} [{UNITS[unit][1]}], "
        f"{result.draws:,} draws ({MARK} marks 0):"
    )
    if fmt == "markdown":
        return f"{head}\n\n```text\n{body}```"
    return f"{head}\n{body.rstrip()}"


def summary_csv(result) -> Table:
    """One row per option (its NPV) and per comparison (its difference and probability)."""
    cols = [
        Column("kind", "Kind"),
        Column("option", "Option"),
        *(Column(k, k, "money") for k in STAT_COLUMNS),
        Column("probability_better", "P(better)", "rate"),
        Column("probability_better_se", "SE", "rate"),
    ]
    t = Table(title="simulate", columns=cols)
    for name, s in result.options.items():
        t.rows.append(["npv", name, s.mean, s.std, s.p5, s.p50, s.p95, None, None])
    for name, c in result.comparisons.items():
        d = c.difference
        t.rows.append(
            [
                "difference",
                name,
                d.mean,
                d.std,
                d.p5,
                d.p50,
                d.p95,
                c.probability_better,
                c.probability_better_se,
            ]
        )
    return t


def probability_table(title, key, heading, rows) -> Table:
    """P(better) with its standard error and the distribution of a difference, one row each.

    ``rows``: ``(name, d)`` with ``d`` as ``ComparisonSummary.to_dict()`` gives it.
    """
    t = Table(
        title=title,
        columns=[
            Column(key, heading),
            Column("probability_better", "P(better)", "rate"),
            Column("probability_better_se", "SE", "rate"),
            Column("mean", "Mean", "signed"),
            Column("std", "Std", "money"),
            Column("p5", "P5", "signed"),
            Column("p50", "P50", "signed"),
            Column("p95", "P95", "signed"),
        ],
    )
    for name, c in rows:
        d = c["difference"]
        t.rows.append(
            [
                name,
                c["probability_better"],
                c["probability_better_se"],
                d["mean"],
                d["std"],
                d["p5"],
                d["p50"],
                d["p95"],
            ]
        )
    return t
