"""How the what-if results look: tables, charts, CSV columns, JSON and notes.

Pure functions from the result objects of :mod:`landcalc.whatif` to a
:class:`View`; the command line writes it with :func:`render_human` (table,
markdown) or as CSV/JSON. A sweep's machine output is a list of numpy
columns, written in blocks by :mod:`landcalc.columns`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np

from landcalc.render import UNITS, Column, Table, auto_unit
from landcalc.whatif import format_param

#: Above this many rows a sweep is not shown as a table, Markdown or workbook (write CSV or JSON).
MAX_TABLE_ROWS = 10_000


@dataclass
class View:
    """Everything one command can output.

    ``tables``, ``notes`` and the charts are for people; ``machine`` is the CSV
    table, or ``columns`` (names, arrays, kinds) for outputs streamed in
    blocks; ``data`` is the JSON object.
    """

    tables: list
    notes: list
    data: object = None
    machine: Table | None = None
    columns: tuple | None = None
    charts_before: list = field(default_factory=list)
    charts_after: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    #: The money unit of the human tables when the user gives none (None: per column).
    unit: str | None = None
    #: Sheets of a workbook (-o FILE.xlsx); default: the machine table.
    workbook: list | None = None


def money_formatter(unit=None):
    """A short money text: ``-27.5 B`` (or in ``unit``: ``-275.04 yi``)."""
    from landcalc.analysis import human_money

    if unit is None:
        return human_money
    factor, label = UNITS[unit]
    short = label.replace(" yuan", "")

    def fmt(x):
        return f"{x / factor:,.2f} {short}" if short != "yuan" else f"{x:,.0f}"

    return fmt


def change_text(current, value):
    """Signed relative change, ``+1,838%`` or ``-4.9%``; ``from 0`` when current is 0."""
    if value is None or current is None:
        return ""
    if current == 0:
        return "none" if value == 0 else "from 0"
    pct = (value - current) / abs(current) * 100.0
    return f"{pct:+,.0f}%" if abs(pct) >= 100 else f"{pct:+.3g}%"


def _nan_none(arr):
    return [None if x != x else x for x in np.asarray(arr, dtype=float).tolist()]


def _param_texts(path, values):
    """Display texts of many values of one parameter (each distinct value formatted once)."""
    uniq, inverse = np.unique(np.asarray(values, dtype=float), return_inverse=True)
    texts = np.array([format_param(path, u) for u in uniq.tolist()], dtype=object)
    return texts[inverse.reshape(-1)].tolist()


# --------------------------------------------------------------------------
# sweep


def sweep_columns(res):
    """(names, arrays, kinds) of the sweep's CSV/JSON, in SPEC order."""
    names, arrays, kinds = [], [], []
    sc = res.scenario
    for name, arr in res.columns():
        names.append(name)
        arrays.append(arr)
        whole = name in res.values and sc.is_whole(name)
        kinds.append("int" if whole or name.startswith("payback_year.") else "float")
    return names, arrays, kinds


def sweep_sheet(res) -> Table:
    """The sweep as one table of plain numbers (yuan, fractions, years), for a workbook."""
    names, arrays, kinds = sweep_columns(res)
    cols = []
    for name in names:
        if name.startswith("npv."):
            col_kind = "money"
        elif name.startswith("difference."):
            col_kind = "signed"
        elif name.startswith("breakeven_rate."):
            col_kind = "rate"
        else:
            col_kind = "number"
        cols.append(Column(name, name, col_kind))
    data = [_nan_none(a) for a in arrays]
    for j, kind in enumerate(kinds):
        if kind == "int":
            data[j] = [None if v is None else int(v) for v in data[j]]
    return Table(title="sweep", columns=cols, rows=[list(r) for r in zip(*data, strict=True)])


def sweep_view(res, unit=None, width=None, human=True) -> View:
    """Tables (and, for two parameters, a sign map per comparison) of a sweep.

    With ``human=False`` only the columns for CSV/JSON are prepared (no
    Python rows, however large the sweep).
    """
    if not human:
        return View(tables=[], notes=[], columns=sweep_columns(res), warnings=res.warnings())
    sc = res.scenario
    b = res.batch
    cols, data = [], []
    for path in res.paths:
        cols.append(Column(path, path, "number"))
        data.append(_param_texts(path, res.values[path]))
    for o in b.options:
        cols.append(Column(f"npv.{o}", f"NPV {o}", "money"))
        data.append(b.npv[o].tolist())
    for o in b.alternatives:
        cols.append(Column(f"difference.{o}", f"Difference {o}", "signed"))
        data.append(b.difference[o].tolist())
        if b.payback_year:
            cols.append(Column(f"payback_year.{o}", f"Payback year {o}", "year"))
            data.append([None if p is None else int(p) for p in _nan_none(b.payback_year[o])])
        if b.breakeven_rate:
            cols.append(Column(f"breakeven_rate.{o}", f"Break-even rate {o}", "rate"))
            data.append(_nan_none(b.breakeven_rate[o]))
    size = f"{res.n:,} points"
    if len(res.shape) > 1:
        size = " x ".join(f"{k:,}" for k in res.shape) + " = " + size
    title = f"{sc.name}: sweep of {', '.join(res.paths)} ({size})"
    table = Table(title=title, columns=cols, rows=[list(r) for r in zip(*data, strict=True)])
    notes = []
    for o in b.alternatives:
        ahead = int(np.count_nonzero(b.difference[o] > 0))
        notes.append(
            f"The {o} is ahead of the {sc.baseline} at {ahead:,} of {res.n:,} points "
            f"(its difference with the {sc.baseline} is above 0)."
        )
    charts = []
    if len(res.axes) == 2:
        for o in b.alternatives:
            charts.append(sweep_grid_chart(res, o, width=width))
    return View(
        tables=[table],
        notes=notes,
        columns=sweep_columns(res),
        charts_after=charts,
        warnings=res.warnings(),
    )


def _bold_line(text_class, words):
    """A bold heading line whose style does not spill onto what is appended to it."""
    line = text_class()
    line.append(words + "\n", style="bold")
    return line


def sweep_grid_chart(res, option, width=None):
    """The sign of one comparison's difference over a two-way sweep, as a text map."""
    from rich.text import Text

    from landcalc.charts import sign_grid

    sc = res.scenario
    (p0, p1), (a0, a1) = res.paths, (res.axes[0].values, res.axes[1].values)
    head = _bold_line(Text, f"{option} against {sc.baseline}: sign of the difference")
    grid = sign_grid(
        np.sign(res.grid(option)),
        [format_param(p0, v) for v in a0.tolist()],
        row_title=p0,
        col_title=p1,
        col_first=format_param(p1, a1[0]),
        col_last=format_param(p1, a1[-1]),
        ahead=f"the {option} is ahead",
        behind=f"the {sc.baseline} is ahead",
        width=width or 120,
    )
    return head + grid


# --------------------------------------------------------------------------
# tornado and spider


def tornado_view(res, unit=None, width=None) -> View:
    """A bar chart per comparison, the table of every input, and the SPEC CSV."""
    from rich.text import Text

    from landcalc.charts import tornado_chart

    sc = res.scenario
    alts = list(res.base_difference)
    fmt = money_formatter(unit)
    charts = []
    bar_width = max(20, min(60, (width or 120) - 60))
    for o in alts:
        head = _bold_line(
            Text, f"Tornado: difference {o} - {sc.baseline} as each input moves alone"
        )
        chart = tornado_chart(
            [r.param for r in res.rows],
            [r.difference_low[o] for r in res.rows],
            [r.difference_high[o] for r in res.rows],
            res.base_difference[o],
            width=bar_width,
            fmt=fmt,
        )
        charts.append(head + chart)
    cols = [
        Column("param", "Input"),
        Column("current", "File value", "number"),
        Column("low", "Low", "number"),
        Column("high", "High", "number"),
    ]
    for o in alts:
        suffix = f" {o}" if len(alts) > 1 else ""
        cols += [
            Column(f"difference_low.{o}", f"Difference at low{suffix}", "signed"),
            Column(f"difference_high.{o}", f"Difference at high{suffix}", "signed"),
            Column(f"swing.{o}", f"Swing{suffix}", "money"),
        ]
    table = Table(title=f"{sc.name}: {_tornado_source(res)}", columns=cols)
    for r in res.rows:
        row = [
            r.param,
            format_param(r.param, r.current),
            format_param(r.param, r.low),
            format_param(r.param, r.high),
        ]
        for o in alts:
            row += [r.difference_low[o], r.difference_high[o], r.swing[o]]
        table.rows.append(row)
    machine_cols = [
        Column("param", "param"),
        Column("low", "low", "number"),
        Column("high", "high", "number"),
    ]
    for o in alts:
        machine_cols += [
            Column(f"difference_low.{o}", f"difference_low.{o}", "signed"),
            Column(f"difference_high.{o}", f"difference_high.{o}", "signed"),
            Column(f"swing.{o}", f"swing.{o}", "money"),
        ]
    machine = Table(title="tornado", columns=machine_cols)
    for r in res.rows:
        row = [r.param, r.low, r.high]
        for o in alts:
            row += [r.difference_low[o], r.difference_high[o], r.swing[o]]
        machine.rows.append(row)
    base = ", ".join(f"{o} {fmt(d)}" for o, d in res.base_difference.items())
    notes = [
        f"Base difference with the {sc.baseline} at the file's values: {base}. "
        "Each input moves alone; inputs are sorted by the swing of the difference."
    ]
    if res.source == "swing":
        notes.append(
            "Whole-year inputs are rounded to the nearest year and every value is kept "
            "inside its valid range, so some inputs move less than the swing (or not at all)."
        )
    values = [
        v for r in res.rows for d in (r.difference_low, r.difference_high) for v in d.values()
    ]
    return View(
        tables=[table],
        notes=notes,
        data=res.to_dict(),
        machine=machine,
        charts_before=charts,
        unit=auto_unit(values),
    )


def _tornado_source(res):
    if res.source == "swing":
        return f"every input of the file moved by ±{res.swing * 100:.4g}% of its value"
    if res.source == "uncertain":
        return "the inputs of [uncertain] at their low and high (uniform bounds, else P10 and P90)"
    return "inputs moved to the given low and high values"


def spider_view(res, unit=None, width=None) -> View:
    """One table per comparison: the difference at each step of each input."""
    sc = res.scenario
    steps = [f"{c * 100:+.4g}%" if c else "0%" for c in res.changes.tolist()]
    tables = []
    for o, diff in res.difference.items():
        cols = [Column("param", "Input"), Column("current", "File value", "number")]
        cols += [Column(f"d{j}", s, "signed") for j, s in enumerate(steps)]
        t = Table(title=f"Spider: difference {o} - {sc.baseline} as each input moves", columns=cols)
        for i, p in enumerate(res.params):
            t.rows.append([p, format_param(p, res.current[i]), *diff[i].tolist()])
        tables.append(t)
    machine_cols = [
        Column("param", "param"),
        Column("change", "change", "rate"),
        Column("value", "value", "number"),
    ]
    machine_cols += [Column(f"difference.{o}", f"difference.{o}", "signed") for o in res.difference]
    machine = Table(title="spider", columns=machine_cols)
    for i, p in enumerate(res.params):
        whole = sc.is_whole(p)
        for j, c in enumerate(res.changes.tolist()):
            v = float(res.values[i, j])
            row = [p, c, int(v) if whole else v]
            row += [float(d[i, j]) for d in res.difference.values()]
            machine.rows.append(row)
    notes = [
        f"Each input moves alone from -{res.swing * 100:.4g}% to +{res.swing * 100:.4g}% of its "
        "file value; inputs are sorted by the range of the difference. Whole-year inputs are "
        "rounded and values kept inside their valid range."
    ]
    values = [float(v) for d in res.difference.values() for v in d.reshape(-1).tolist()]
    return View(
        tables=tables, notes=notes, data=res.to_dict(), machine=machine, unit=auto_unit(values)
    )


# --------------------------------------------------------------------------
# breakeven


def _method_note(res):
    p = res.param
    if res.method == "linear":
        return f"{p} enters every NPV linearly, so its break-even value is solved exactly."
    if res.method == "whole":
        lo, hi = format_param(p, res.low), format_param(p, res.high)
        return (
            f"{p} takes whole years: every whole year from {lo} to {hi} was evaluated. The value "
            "shown is the nearest whole year, seen from the file's value, at which the "
            "difference is zero or has the other sign; its difference is the one in that year."
        )
    where = f"--within {res.interval_text()}" if res.within else res.interval_text()
    return (
        f"{p} was searched over {where} on a grid of 1,024 points, and each sign change "
        "refined to the root."
    )


def breakeven_view(res, unit=None, width=None) -> View:
    """Goal seek of one parameter: a row per comparison; JSON exactly as SPEC section 4."""
    sc = res.scenario
    p = res.param
    table = Table(
        title=f"Break-even of {p}",
        columns=[
            Column("option", "Option"),
            Column("current", "File value", "number"),
            Column("value", "Break-even value", "number"),
            Column("change", "Change", "number"),
            Column("difference_at_value", "Difference at that value", "signed"),
        ],
    )
    cur = "schedule" if res.current is None else format_param(p, res.current)
    for o, g in res.comparisons.items():
        table.rows.append(
            [
                o,
                cur,
                format_param(p, g.value),
                change_text(res.current, g.value),
                g.difference_at_value,
            ]
        )
    notes = [
        f"{sc.name}: the value of {p} at which each option's NPV equals the {sc.baseline}'s, "
        "everything else at the file's values.",
        _method_note(res),
        *res.notes(),
    ]
    return View(
        tables=[table],
        notes=notes,
        data=res.to_dict(),
        machine=breakeven_csv([res]),
        warnings=res.warnings(),
    )


def breakeven_csv(results) -> Table:
    """One row per parameter: param, current, then value, difference_at_value and
    relative_change for every comparison."""
    alts = list(results[0].comparisons) if results else []
    cols = [Column("param", "param"), Column("current", "current", "number")]
    for o in alts:
        cols += [
            Column(f"value.{o}", f"value.{o}", "number"),
            Column(f"difference_at_value.{o}", f"difference_at_value.{o}", "signed"),
            Column(f"relative_change.{o}", f"relative_change.{o}", "rate"),
        ]
    t = Table(title="breakeven", columns=cols)
    for r in results:
        row = [r.param, r.current]
        for o in alts:
            g = r.comparisons[o]
            row += [g.value, g.difference_at_value, _finite_or_none(r.relative_change(o))]
        t.rows.append(row)
    return t


def _finite_or_none(x):
    return None if x is None or not math.isfinite(x) else x


def breakeven_table_view(table_res, unit=None, width=None) -> View:
    """The "what would have to be true" table: every input's break-even, nearest first."""
    sc = table_res.scenario
    rows = table_res.rows
    alts = sc.alternatives
    cols = [Column("param", "Input"), Column("current", "File value", "number")]
    for o in alts:
        suffix = f" ({o})" if len(alts) > 1 else ""
        cols += [
            Column(f"value.{o}", f"Break-even value{suffix}", "number"),
            Column(f"change.{o}", f"Change{suffix}", "number"),
        ]
    table = Table(title="Break-even value of each input", columns=cols)
    needs = []
    for r in rows:
        row = [r.param, format_param(r.param, r.current)]
        for o in alts:
            g = r.comparisons[o]
            row += [format_param(r.param, g.value), change_text(r.current, g.value)]
            if g.value is None and g.needed is not None:
                needs.append(f"{r.param} = {format_param(r.param, g.needed)}")
        table.rows.append(row)
    who = f"the {alts[0]}" if len(alts) == 1 else "each option"
    notes = [
        f"{sc.name}: what would have to be true for {who} to match the {sc.baseline}. Each "
        "input moved alone, the others at their file values; nearest first (by the change "
        "relative to the file value). 'none': no value in the input's valid range makes the "
        "difference zero. Whole-year inputs show the nearest whole year that reverses the "
        "answer."
    ]
    if needs:
        notes.append("Outside the valid range, it would take " + "; ".join(needs) + ".")
    notes += [n for r in rows for n in r.several_notes()]
    return View(
        tables=[table],
        notes=notes,
        data=table_res.to_dict(),
        machine=breakeven_csv(rows),
        warnings=table_res.warnings(),
    )


# --------------------------------------------------------------------------
# Text for people


def _text_of(renderables, color, width):
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        width=width or 10_000,
        highlight=False,
        soft_wrap=True,
    )
    for r in renderables:
        console.print(r, end="" if str(r).endswith("\n") else "\n")
    return buf.getvalue()


def render_human(view: View, fmt: str, unit=None, color=False, width=None) -> str:
    """The text of a view as a terminal table (charts included) or as Markdown."""
    from landcalc.render import to_markdown, to_text

    if fmt == "markdown":
        text = to_markdown(view.tables, view.notes, unit)
        charts = [*view.charts_before, *view.charts_after]
        if charts:
            plain = _text_of(charts, False, width).rstrip("\n")
            text += "\n```text\n" + plain + "\n```\n"
        return text
    before = _text_of(view.charts_before, color, width) + "\n" if view.charts_before else ""
    after = "\n" + _text_of(view.charts_after, color, width) if view.charts_after else ""
    body = to_text(view.tables, view.notes, unit, color=color, width=width)
    return before + body + after
