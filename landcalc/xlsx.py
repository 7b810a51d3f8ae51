"""Spreadsheet export (optional extra ``landcalc[xlsx]``, written with xlsxwriter).

Two kinds of workbook:

* :func:`write_tables` writes the tables of any command, one sheet each, with
  numbers formatted with thousands separators and units in the headers.
* :func:`write_cashflows` writes a *live* workbook for audit: the assumptions
  on their own sheet as named cells, one sheet per option whose cash, discount
  factors, discounted cash and cumulative sums are formulas of those cells,
  and a summary whose NPVs are formulas. Change the rate cell and every
  number moves.
"""

from __future__ import annotations

import re

from landcalc.errors import InputError

MONEY_FMT = "#,##0"
MONEY2_FMT = "#,##0.00"
RATE_FMT = "0.00%"
DF_FMT = "0.000000000"


def _xlsxwriter():
    try:
        import xlsxwriter
    except ImportError:
        raise InputError(
            "writing .xlsx files needs xlsxwriter; install it with: pip install 'landcalc[xlsx]'"
        ) from None
    return xlsxwriter


def _open(path):
    xlsxwriter = _xlsxwriter()
    return xlsxwriter.Workbook(path, {"strings_to_numbers": False, "nan_inf_to_errors": True})


def write_workbook(path, build) -> None:
    """Write a workbook atomically: ``build(workbook)`` fills it."""
    from landcalc.output import atomic_path

    _xlsxwriter()
    with atomic_path(path) as tmp:
        wb = _open(tmp)
        try:
            build(wb)
        finally:
            wb.close()


def sheet_name(text: str, taken: set) -> str:
    """A valid, unique sheet name (31 characters, no []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\]", "_", str(text)).strip("'") or "Sheet"
    name = name[:31]
    base, i = name, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------
# Tables of any command


def write_tables(path, tables, unit=None) -> None:
    """One sheet per :class:`landcalc.render.Table`; money in plain yuan."""

    def build(wb):
        add_tables(wb, tables)

    write_workbook(path, build)


def add_tables(wb, tables) -> None:
    head = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    fmts = {
        "money": wb.add_format({"num_format": MONEY_FMT}),
        "money_mu": wb.add_format({"num_format": MONEY_FMT}),
        "signed": wb.add_format({"num_format": MONEY_FMT}),
        "rate": wb.add_format({"num_format": RATE_FMT}),
        "number": wb.add_format({"num_format": "General"}),
    }
    taken: set = set()
    for t in tables:
        ws = wb.add_worksheet(sheet_name(t.title, taken))
        for j, col in enumerate(t.columns):
            title = col.title
            if col.kind in ("money", "signed"):
                title += " [yuan]"
            elif col.kind == "money_mu":
                title += " [yuan/mu]"
            ws.write_string(0, j, title, head)
            ws.set_column(j, j, max(12, min(40, len(title) + 2)))
        for i, row in enumerate(t.rows, start=1):
            for j, (v, col) in enumerate(zip(row, t.columns, strict=True)):
                if v is None:
                    continue
                if isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, int | float):
                    ws.write_number(i, j, float(v), fmts.get(col.kind))
                else:
                    ws.write_string(i, j, str(v))
        ws.freeze_panes(1, 0)


# --------------------------------------------------------------------------
# The live cash-flow workbook


def defined_name(path: str, taken: set) -> str:
    """An Excel name for a parameter path: ``hen.tax.amount -> p_hen.tax.amount``."""
    name = "p_" + re.sub(r"[^0-9A-Za-z_.]", "_", path)
    base, i = name, 2
    while name.lower() in taken:
        name = f"{base}_{i}"
        i += 1
    taken.add(name.lower())
    return name


def _col(j: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(j)


def write_cashflows(path, scenario, compare_result=None) -> None:
    """The live audit workbook of a scenario (see the module docstring)."""

    def build(wb):
        _build_cashflows(wb, scenario, compare_result)

    write_workbook(path, build)


def _build_cashflows(wb, sc, cmp):
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    money = wb.add_format({"num_format": MONEY_FMT})
    rate_f = wb.add_format({"num_format": RATE_FMT})
    df_f = wb.add_format({"num_format": DF_FMT})
    general = wb.add_format({"num_format": "General"})
    taken_sheets: set = set()
    names: set = set()
    summary = wb.add_worksheet(sheet_name("NPV", taken_sheets))  # first, filled last

    # -- assumptions ---------------------------------------------------------
    a = wb.add_worksheet(sheet_name("Assumptions", taken_sheets))
    a.write_row(0, 0, ["Parameter", "Value", "Unit", "Name"], head)
    a.set_column(0, 0, 34)
    a.set_column(1, 1, 16)
    a.set_column(2, 3, 22)
    row = 1

    def assume(label, value, unit, path, fmt=general):
        nonlocal row
        name = defined_name(path, names)
        a.write_string(row, 0, label)
        a.write_number(row, 1, float(value), fmt)
        a.write_string(row, 2, unit)
        a.write_string(row, 3, name)
        wb.define_name(name, f"='{a.get_name()}'!$B${row + 1}")
        row += 1
        return name

    area = assume("scenario.area (in mu)", sc.area_mu, "mu", "scenario.area_mu")
    horizon = assume("scenario.horizon", sc.horizon, "years", "scenario.horizon")
    if sc.discount.schedule is None:
        rate = assume("discount.rate", sc.discount.rate, "per year", "discount.rate", rate_f)
        rate_formula = rate
    else:
        row += 1
        a.write_string(row, 0, "Discount schedule", bold)
        row += 1
        a.write_row(row, 0, ["from year", "rate"], head)
        first = row + 1
        for frm, r in sc.discount.schedule:
            row += 1
            a.write_number(row, 0, frm)
            a.write_number(row, 1, r, rate_f)
        sheet = a.get_name()
        names.update({"p_schedule_from", "p_schedule_rate"})
        wb.define_name("p_schedule_from", f"='{sheet}'!$A${first + 1}:$A${row + 1}")
        wb.define_name("p_schedule_rate", f"='{sheet}'!$B${first + 1}:$B${row + 1}")
        rate_formula = "LOOKUP({year},p_schedule_from,p_schedule_rate)"
        row += 2
    flow_names = {}
    for oname, opt in sc.options.items():
        for fname, flow in opt.flows.items():
            pre = f"{oname}.{fname}"
            cells = {}
            amount_unit = "yuan/mu" if flow.basis == "per_mu" else "yuan"
            if flow.kind == "annual":
                amount_unit += "/yr"
            cells["amount"] = assume(
                f"{pre}.amount", flow.amount, amount_unit, pre + ".amount", money
            )
            cells["share"] = assume(f"{pre}.share", flow.share, "fraction", pre + ".share")
            if flow.kind == "once":
                cells["year"] = assume(f"{pre}.year", flow.year, "year", pre + ".year")
            else:
                cells["start"] = assume(f"{pre}.start", flow.start, "year", pre + ".start")
                if flow.end is not None:
                    cells["end"] = assume(f"{pre}.end", flow.end, "year", pre + ".end")
                cells["ramp"] = assume(f"{pre}.ramp", flow.ramp, "years", pre + ".ramp")
                cells["growth"] = assume(
                    f"{pre}.growth", flow.growth, "per year", pre + ".growth", rate_f
                )
                cells["hazard"] = assume(
                    f"{pre}.hazard", flow.hazard, "per year", pre + ".hazard", rate_f
                )
            flow_names[(oname, fname)] = cells

    # -- one sheet per option ------------------------------------------------
    H = sc.horizon
    first_row, last_row = 2, H + 2  # 1-based rows of years 0..H
    npv_cells, und_cells = {}, {}
    for oname, opt in sc.options.items():
        ws = wb.add_worksheet(sheet_name(oname, taken_sheets))
        flows = list(opt.flows.values())
        heads = ["Year", "Rate in year", "Discount factor"]
        heads += [f"{f.name} [yuan]" for f in flows]
        heads += ["Cash [yuan]", "Discounted [yuan]", "Cumulative [yuan]"]
        ws.write_row(0, 0, heads, head)
        ws.set_column(0, 0, 8)
        ws.set_column(1, len(heads) - 1, 18)
        c_cash = 3 + len(flows)
        c_disc, c_cum = c_cash + 1, c_cash + 2
        for t in range(H + 1):
            r = t + 2  # 1-based row
            y = f"$A{r}"
            ws.write_number(r - 1, 0, t)
            if t == 0:
                ws.write_number(r - 1, 1, 0, rate_f)
                ws.write_number(r - 1, 2, 1, df_f)
            else:
                ws.write_formula(r - 1, 1, "=" + rate_formula.format(year=y), rate_f)
                ws.write_formula(r - 1, 2, f"=C{r - 1}/(1+B{r})", df_f)
            for j, f in enumerate(flows):
                cells = flow_names[(oname, f.name)]
                scale = f"{cells['amount']}*{cells['share']}"
                if f.basis == "per_mu":
                    scale += f"*{area}"
                if f.kind == "once":
                    formula = f"=IF(AND({y}={cells['year']},{y}<={horizon}),{scale},0)"
                else:
                    end = f"MIN({cells['end']},{horizon})" if "end" in cells else horizon
                    k = f"({y}-{cells['start']})"
                    formula = (
                        f"=IF(AND({y}>={cells['start']},{y}<={end}),"
                        f"{scale}*MIN(1,({k}+1)/({cells['ramp']}+1))"
                        f"*(1+{cells['growth']})^{k}*(1-{cells['hazard']})^{k},0)"
                    )
                ws.write_formula(r - 1, 3 + j, formula, money)
            if flows:
                ws.write_formula(r - 1, c_cash, f"=SUM(D{r}:{_col(2 + len(flows))}{r})", money)
            else:
                ws.write_number(r - 1, c_cash, 0, money)
            ws.write_formula(r - 1, c_disc, f"={_col(c_cash)}{r}*C{r}", money)
            if t == 0:
                ws.write_formula(r - 1, c_cum, f"={_col(c_disc)}{r}", money)
            else:
                ws.write_formula(r - 1, c_cum, f"={_col(c_cum)}{r - 1}+{_col(c_disc)}{r}", money)
        ws.freeze_panes(1, 1)
        sheet = ws.get_name()
        npv_cells[oname] = f"SUM('{sheet}'!{_col(c_disc)}{first_row}:{_col(c_disc)}{last_row})"
        und_cells[oname] = f"SUM('{sheet}'!{_col(c_cash)}{first_row}:{_col(c_cash)}{last_row})"

    # -- summary -------------------------------------------------------------
    s = summary
    s.activate()
    s.write_string(0, 0, sc.name, bold)
    s.write_string(
        1,
        0,
        f"Discount: {sc.discount.describe()}; horizon {sc.horizon} years; "
        f"{sc.area_mu:,.6g} mu; baseline {sc.baseline}. Formulas use the named "
        "cells of the Assumptions sheet.",
    )
    heads = [
        "Option",
        "Label",
        "NPV [yuan]",
        "NPV per mu [yuan/mu]",
        "Undiscounted [yuan]",
        "Difference [yuan]",
        "Payback year",
        "Break-even rate",
    ]
    s.write_row(3, 0, heads, head)
    s.set_column(0, 1, 24)
    s.set_column(2, 7, 20)
    base_row = None
    for i, oname in enumerate(sc.options):
        if oname == sc.baseline:
            base_row = 5 + i
    for i, (oname, opt) in enumerate(sc.options.items()):
        r = 5 + i  # 1-based
        s.write_string(r - 1, 0, oname + (" (baseline)" if oname == sc.baseline else ""))
        s.write_string(r - 1, 1, opt.label)
        s.write_formula(r - 1, 2, "=" + npv_cells[oname], money)
        names.add(f"npv_{oname}".lower())
        s.write_formula(r - 1, 3, f"=C{r}/{area}", money)
        s.write_formula(r - 1, 4, "=" + und_cells[oname], money)
        if oname != sc.baseline:
            s.write_formula(r - 1, 5, f"=C{r}-C{base_row}", money)
            if cmp is not None:
                c = cmp.comparisons[oname]
                if c.payback_year is not None:
                    s.write_number(r - 1, 6, c.payback_year)
                else:
                    s.write_string(r - 1, 6, "never")
                if c.breakeven_rate is not None:
                    s.write_number(r - 1, 7, c.breakeven_rate, rate_f)
                else:
                    s.write_string(r - 1, 7, "none")
    note = 6 + len(sc.options)
    s.write_string(
        note,
        0,
        "Payback year and break-even rate are values computed by landcalc "
        "for the file's assumptions; NPVs and differences are live formulas.",
    )
