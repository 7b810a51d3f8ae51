"""How each result looks: the tables, CSV rows, JSON and notes of every command.

Pure functions from result objects to :class:`landcalc.render.Table`; the
CLI passes them to :func:`landcalc.render.render`.
"""

from __future__ import annotations

from landcalc.render import Column, Table


def compare_view(results):
    """(tables for people, one CSV table, JSON data, notes) for ``compare``.

    ``results`` is a list of :class:`~landcalc.analysis.CompareResult`, one
    per file; the JSON is an object for one file and a list for several.
    """
    tables, notes = [], []
    many = len(results) > 1
    for res in results:
        sc = res.scenario
        prefix = f"{sc.name}: " if many else ""
        opt_table = Table(
            title=f"{prefix}{sc.name} - {sc.discount.describe()}, {sc.horizon} years, "
            f"{sc.area_mu:,.6g} mu",
            columns=[
                Column("option", "Option"),
                Column("label", "Label"),
                Column("npv", "NPV", "money"),
                Column("npv_per_mu", "NPV per mu", "money_mu"),
                Column("undiscounted", "Undiscounted", "money"),
            ],
        )
        if many:
            opt_table.title = (
                f"{sc.name} ({sc.source}) - {sc.discount.describe()}, "
                f"{sc.horizon} years, {sc.area_mu:,.6g} mu"
            )
        for o in res.options.values():
            base = " (baseline)" if o.name == sc.baseline else ""
            opt_table.rows.append([o.name + base, o.label, o.npv, o.npv_per_mu, o.undiscounted])
        flow_table = Table(
            title="NPV of each flow",
            columns=[
                Column("option", "Option"),
                Column("flow", "Flow"),
                Column("npv", "NPV", "signed"),
            ],
        )
        for o in res.options.values():
            for f, v in o.flows.items():
                flow_table.rows.append([o.name, f, v])
        cmp_table = Table(
            title=f"Against the baseline ({sc.baseline})",
            columns=[
                Column("option", "Option"),
                Column("difference", "Difference", "signed"),
                Column("payback_year", "Payback year", "year"),
                Column("breakeven_rate", "Break-even rate", "rate"),
            ],
        )
        for c in res.comparisons.values():
            cmp_table.rows.append([c.option, c.difference, c.payback_year, c.breakeven_rate])
        tables.extend([opt_table, flow_table, cmp_table])
        notes.extend(res.verdict())
    machine = compare_csv(results)
    data = [r.to_dict() for r in results]
    return tables, machine, (data if many else data[0]), notes


def compare_csv(results) -> Table:
    """One row per option (per file): NPVs, the comparison with the baseline, flow NPVs."""
    flow_names = _union(list(o.flows) for r in results for o in r.options.values())
    cols = [
        Column("file", "File"),
        Column("scenario", "Scenario"),
        Column("option", "Option"),
        Column("label", "Label"),
        Column("baseline", "Baseline", "bool"),
        Column("npv", "NPV", "money"),
        Column("npv_per_mu", "NPV per mu", "money_mu"),
        Column("undiscounted", "Undiscounted", "money"),
        Column("difference", "Difference", "signed"),
        Column("payback_year", "Payback year", "year"),
        Column("breakeven_rate", "Break-even rate", "rate"),
    ] + [Column(f"flow.{f}", f, "money") for f in flow_names]
    t = Table(title="compare", columns=cols)
    for r in results:
        sc = r.scenario
        for o in r.options.values():
            c = r.comparisons.get(o.name)
            row = [
                sc.source,
                sc.name,
                o.name,
                o.label,
                o.name == sc.baseline,
                o.npv,
                o.npv_per_mu,
                o.undiscounted,
                None if c is None else c.difference,
                None if c is None else c.payback_year,
                None if c is None else c.breakeven_rate,
            ]
            row += [o.flows.get(f) for f in flow_names]
            t.rows.append(row)
    return t


def cashflows_view(res):
    """(tables, CSV table, JSON data, notes) for ``cashflows``."""
    sc = res.scenario
    tables = []
    for name, opt in sc.options.items():
        flows = list(res.flows[name])
        t = Table(
            title=f"{name}: {opt.label}" + (" (baseline)" if name == sc.baseline else ""),
            columns=[Column("year", "Year", "int")]
            + [Column(f"cash.{name}.{f}", f, "money") for f in flows]
            + [
                Column("cash", "Cash", "money"),
                Column("discount_factor", "Discount factor", "number"),
                Column("discounted", "Discounted", "money"),
                Column("cumulative", "Cumulative", "signed"),
            ],
        )
        for i, y in enumerate(res.years):
            t.rows.append(
                [int(y)]
                + [float(res.flows[name][f][i]) for f in flows]
                + [
                    float(res.cash[name][i]),
                    float(res.discount_factor[i]),
                    float(res.discounted[name][i]),
                    float(res.cumulative[name][i]),
                ]
            )
        tables.append(t)
    for name in res.difference:
        t = Table(
            title=f"{name} minus {sc.baseline}",
            columns=[
                Column("year", "Year", "int"),
                Column("difference", "Cash difference", "signed"),
                Column("cumulative_difference", "Cumulative discounted", "signed"),
            ],
        )
        for i, y in enumerate(res.years):
            t.rows.append(
                [int(y), float(res.difference[name][i]), float(res.cumulative_difference[name][i])]
            )
        tables.append(t)
    return tables, cashflows_csv(res), res.to_dict(), []


def cashflows_csv(res) -> Table:
    """One row per year: discount factor, every flow's cash, and per option its totals."""
    sc = res.scenario
    cols = [Column("year", "Year", "int"), Column("discount_factor", "Discount factor", "number")]
    for name in sc.options:
        cols += [Column(f"cash.{name}.{f}", f, "money") for f in res.flows[name]]
        cols += [
            Column(f"cash.{name}", "cash", "money"),
            Column(f"discounted.{name}", "discounted", "money"),
            Column(f"cumulative.{name}", "cumulative", "money"),
        ]
    for name in res.difference:
        cols += [
            Column(f"difference.{name}", "difference", "money"),
            Column(f"cumulative_difference.{name}", "cumulative difference", "money"),
        ]
    t = Table(title="cashflows", columns=cols)
    for i, y in enumerate(res.years):
        row = [int(y), float(res.discount_factor[i])]
        for name in sc.options:
            row += [float(res.flows[name][f][i]) for f in res.flows[name]]
            row += [
                float(res.cash[name][i]),
                float(res.discounted[name][i]),
                float(res.cumulative[name][i]),
            ]
        for name in res.difference:
            row += [float(res.difference[name][i]), float(res.cumulative_difference[name][i])]
        t.rows.append(row)
    return t


def validate_view(entries):
    """``entries``: list of (file, Scenario or None, error text or None)."""
    t = Table(
        title="Scenario files",
        columns=[
            Column("file", "File"),
            Column("valid", "Valid", "bool"),
            Column("scenario", "Scenario"),
            Column("options", "Options"),
            Column("baseline", "Baseline"),
            Column("horizon", "Horizon", "int"),
            Column("area_mu", "Area [mu]", "number"),
            Column("error", "Error"),
        ],
    )
    data = []
    for file, sc, err in entries:
        if sc is not None:
            t.rows.append(
                [
                    file,
                    True,
                    sc.name,
                    ", ".join(sc.options),
                    sc.baseline,
                    sc.horizon,
                    sc.area_mu,
                    None,
                ]
            )
            data.append(
                {
                    "file": file,
                    "valid": True,
                    "scenario": sc.name,
                    "options": list(sc.options),
                    "baseline": sc.baseline,
                    "horizon": sc.horizon,
                    "area_mu": sc.area_mu,
                    "error": None,
                }
            )
        else:
            t.rows.append([file, False, None, None, None, None, None, err])
            data.append(
                {
                    "file": file,
                    "valid": False,
                    "scenario": None,
                    "options": None,
                    "baseline": None,
                    "horizon": None,
                    "area_mu": None,
                    "error": err,
                }
            )
    return [t], t, data, []


def _union(lists):
    seen = {}
    for names in lists:
        for n in names:
            seen.setdefault(n, None)
    return list(seen)


def cumulative_chart(cf, paybacks=None, width=80, markup=False) -> str:
    """The terminal chart of cumulative discounted cash, crossing years marked."""
    import numpy as np

    from landcalc.charts import line_chart
    from landcalc.render import UNITS, auto_unit

    sc = cf.scenario
    allv = np.concatenate([cf.cumulative[o] for o in cf.cumulative])
    unit = auto_unit(allv.tolist())
    factor, label = UNITS[unit]
    marks = {}
    for name, year in (paybacks or {}).items():
        if year is not None:
            marks[f"{name} overtakes {sc.baseline}"] = year
    title = f"Cumulative discounted cash: {sc.name} ({sc.discount.describe()}, {sc.horizon} years)"
    series = {
        (f"{o} (baseline)" if o == sc.baseline else o): cf.cumulative[o] for o in cf.cumulative
    }
    return line_chart(
        cf.years, series, width=width, marks=marks, unit=(factor, label), title=title, markup=markup
    )


def rows_view(title, header, cols, kinds, n, totals=None):
    """(tables, csv table, json, notes) of a row table, with optional portfolio totals."""
    kind_map = {"float": "number", "int": "year", "str": "text", "bool": "bool"}
    columns = []
    for h, k in zip(header, kinds, strict=True):
        kind = kind_map[k]
        if h.startswith(("npv.", "difference.")):
            kind = "signed" if h.startswith("difference.") else "money"
        elif h.startswith("breakeven_rate."):
            kind = "rate"
        columns.append(Column(h, h, kind))
    t = Table(title=title, columns=columns)
    lists = [c.tolist() if hasattr(c, "tolist") else list(c) for c in cols]
    for i in range(n):
        row = []
        for lst in lists:
            v = lst[i]
            if isinstance(v, float) and v != v:
                v = None
            row.append(v)
        t.rows.append(row)
    tables = [t]
    if totals is not None:
        summary = Table(
            title="Totals",
            columns=[
                Column("option", "Option"),
                Column("npv", "Total NPV", "money"),
                Column("difference", "Total difference", "signed"),
                Column("wins", "Parcels won", "int"),
                Column("wins_mu", "Area won [mu]", "number"),
            ],
        )
        for o, v in totals["npv"].items():
            summary.rows.append(
                [
                    o,
                    v,
                    totals["difference"].get(o),
                    totals["wins"][o]["parcels"],
                    totals["wins"][o]["area_mu"],
                ]
            )
        tables = [t, summary]
        if totals.get("plans"):
            plans = Table(
                title="Plans",
                columns=[Column("plan", "Plan"), Column("npv", "Total NPV", "signed")],
            )
            for k, v in totals["plans"].items():
                plans.rows.append([k, v])
            tables.append(plans)
    if totals is not None and totals.get("simulation"):
        tables.append(_simulation_table(totals["simulation"]))
    notes = []
    if totals is not None:
        notes.append(f"{totals['parcels']} parcels, {totals['area_mu']:,.6g} mu in all.")
    return tables, t, totals, notes


def _simulation_table(sim) -> Table:
    """The distribution of a land book's total difference over the draws."""
    from landcalc.simulate_view import probability_table

    plans = [(f"all {o}", c) for o, c in sim["comparisons"].items()]
    if "plan" in sim:
        plans.append(("best per parcel", sim["plan"]))
    return probability_table(
        f"Total difference over {sim['draws']:,} draws (seed {sim['seed']})", "plan", "Plan", plans
    )
