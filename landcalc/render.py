"""Rendering: rich tables for people; CSV, JSON and Markdown for programs.

A command describes its output as :class:`Table` objects (raw values plus a
kind per column) and a JSON-ready object; this module formats them. Machine
formats (csv, json) always carry plain yuan; ``unit`` scales money in the
human formats (table, markdown) only.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("table", "csv", "json", "markdown")
EXTENSIONS = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "table",
}

#: Money units for human tables: name -> (factor, label).
UNITS = {
    "yuan": (1.0, "yuan"),
    "wan": (1e4, "wan yuan"),
    "yi": (1e8, "yi yuan"),
    "k": (1e3, "k yuan"),
    "M": (1e6, "M yuan"),
    "B": (1e9, "B yuan"),
}

#: Column kinds: text, money (yuan), money_mu (yuan per mu), signed (money
#: coloured by sign), rate (a fraction shown as %), year, int, number, bool.
MONEY_KINDS = ("money", "money_mu", "signed")


@dataclass
class Column:
    key: str
    title: str
    kind: str = "text"


@dataclass
class Table:
    title: str
    columns: list
    rows: list = field(default_factory=list)


def resolve_format(fmt: str | None, output: str | None) -> str:
    """``--format`` if given, else from the extension of ``-o``, else ``table``."""
    from landcalc.errors import InputError

    if fmt:
        return fmt
    if output and output != "-":
        ext = Path(output).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
        raise InputError(
            f"-o {output}: cannot tell the format from '{ext or 'no extension'}'; "
            "use .csv, .json, .md, .txt or .xlsx, or give --format table|csv|json|markdown"
        )
    return "table"


# --------------------------------------------------------------------------
# Values for people


def auto_unit(values) -> str:
    """The largest of yuan, k, M, B that keeps the largest value at 1 or more."""
    finite = [abs(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    top = max(finite, default=0.0)
    for name in ("B", "M", "k"):
        if top >= UNITS[name][0]:
            return name
    return "yuan"


def _column_units(table: Table, unit: str | None):
    units = {}
    for i, col in enumerate(table.columns):
        if col.kind in MONEY_KINDS:
            units[i] = unit or auto_unit(r[i] for r in table.rows)
    return units


def human_title(col: Column, unit_name: str | None) -> str:
    if unit_name is None:
        return col.title
    label = UNITS[unit_name][1]
    if col.kind == "money_mu":
        label += "/mu"
    return f"{col.title} [{label}]"


def human_value(value, kind: str, unit_name: str | None = None) -> str:
    if value is None:
        return {"year": "never", "rate": "none"}.get(kind, "")
    if kind in MONEY_KINDS:
        if not math.isfinite(value):
            return str(value)
        factor = UNITS[unit_name or "yuan"][0]
        v = value / factor
        if abs(v) >= 1e15:
            return f"{v:.4e}"  # a 16-digit run of digits helps nobody
        return _unsigned_zero(f"{v:,.0f}" if (unit_name or "yuan") == "yuan" else f"{v:,.2f}")
    if kind == "rate":
        return _unsigned_zero(f"{value * 100:.2f}%") if math.isfinite(value) else str(value)
    if kind in ("year", "int"):
        return str(int(value))
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "number":
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return f"{value:,.0f}"
        return f"{value:,.6g}" if isinstance(value, float) else str(value)
    return str(value)


def _unsigned_zero(text: str) -> str:
    """``-0`` and ``-0.00`` (a tiny negative rounded away) shown as ``0`` and ``0.00``."""
    if text.startswith("-") and not text.strip("-0.,%"):
        return text[1:]
    return text


# --------------------------------------------------------------------------
# Formats


def to_csv(table: Table) -> str:
    """One header row of column keys, then the raw values (plain yuan)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.key for c in table.columns])
    for row in table.rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    return v


def to_json(obj) -> str:
    return json.dumps(clean_json(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def clean_json(obj):
    """NaN becomes null; numpy scalars become Python numbers."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj
    try:
        f = float(obj)
    except (TypeError, ValueError):
        return str(obj)
    if math.isnan(f) or math.isinf(f):
        return None
    if hasattr(obj, "dtype") and obj.dtype.kind in "iu":
        return int(obj)
    return f


def to_markdown(tables, notes=(), unit=None) -> str:
    out = []
    for t in tables:
        units = _column_units(t, unit)
        heads = [human_title(c, units.get(i)) for i, c in enumerate(t.columns)]
        out.append(f"### {t.title}\n")
        out.append("| " + " | ".join(_md(h) for h in heads) + " |")
        align = ["---:" if c.kind not in ("text", "bool") else "---" for c in t.columns]
        out.append("| " + " | ".join(align) + " |")
        for row in t.rows:
            cells = [
                human_value(v, c.kind, units.get(i))
                for i, (v, c) in enumerate(zip(row, t.columns, strict=True))
            ]
            out.append("| " + " | ".join(_md(x) for x in cells) + " |")
        out.append("")
    for n in notes:
        out.append(n)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rich_tables(tables, unit=None):
    """rich Table objects for the terminal."""
    from rich.table import Table as RichTable

    out = []
    for t in tables:
        units = _column_units(t, unit)
        rt = RichTable(title=_escape(t.title), title_justify="left", title_style="bold")
        for i, c in enumerate(t.columns):
            justify = "left" if c.kind in ("text", "bool") else "right"
            rt.add_column(_escape(human_title(c, units.get(i))), justify=justify)
        for row in t.rows:
            cells = []
            for i, (v, c) in enumerate(zip(row, t.columns, strict=True)):
                text = human_value(v, c.kind, units.get(i))
                if c.kind == "signed" and isinstance(v, int | float) and v:
                    text = f"[green]{text}[/]" if v > 0 else f"[red]{text}[/]"
                else:
                    text = _escape(text)
                cells.append(text)
            rt.add_row(*cells)
        out.append(rt)
    return out


def _escape(text):
    from rich.markup import escape

    return escape(text)


def to_text(tables, notes=(), unit=None, color=False, width=None) -> str:
    """Tables and notes as terminal text (plain when ``color`` is False)."""
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        width=width or 10_000,  # files and pipes: as wide as the table needs
        highlight=False,
        soft_wrap=False,
    )
    for rt in rich_tables(tables, unit):
        console.print(rt)
    for n in notes:
        console.print(_escape(n), soft_wrap=True)
    return buf.getvalue()


def terminal_width():
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None


def render(fmt, tables, *, machine=None, data=None, notes=(), unit=None, to_terminal=False):
    """Text of the output in format ``fmt``.

    ``tables`` are for people (table, markdown), ``machine`` is the one table
    for csv (default: the first of ``tables``), ``data`` the object for json.
    """
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(machine if machine is not None else tables[0])
    if fmt == "markdown":
        return to_markdown(tables, notes, unit)
    if fmt == "table":
        return to_text(
            tables,
            notes,
            unit,
            color=to_terminal,
            width=(terminal_width() if to_terminal else None),
        )
    raise ValueError(f"unknown format {fmt!r}")
