"""Options shared by the commands, and the one path from a result to its output."""

from __future__ import annotations

import sys

import click

FORMAT_CHOICES = ("table", "csv", "json", "markdown")
UNIT_CHOICES = ("yuan", "wan", "yi", "k", "M", "B")


def set_option(fn):
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="PATH=VALUE",
        help="Override a value of the file, e.g. --set hen.tax.amount=2e6 or "
        "--set discount.rate=6%. Repeatable.",
    )(fn)


def output_options(fn):
    """--format, -o/--output, --unit, --quiet and --debug."""
    for deco in reversed(
        (
            click.option(
                "--format",
                "-f",
                "fmt",
                type=click.Choice(FORMAT_CHOICES),
                default=None,
                help="Output format (default: from the extension of -o, else table).",
            ),
            click.option(
                "-o",
                "--output",
                metavar="FILE",
                default=None,
                help="Write to FILE (atomically) instead of stdout.",
            ),
            click.option(
                "--unit",
                type=click.Choice(UNIT_CHOICES),
                default=None,
                help="Money unit of human tables: yuan, wan (1e4), yi (1e8), k, M, B "
                "(default: chosen per column). CSV and JSON are always in yuan.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="No warnings on stderr."),
            click.option(
                "--debug", is_flag=True, expose_value=False, help="Show the traceback of any error."
            ),
        )
    ):
        fn = deco(fn)
    return fn


def deliver(view, fmt, output, unit, quiet=False, warnings=(), xlsx=None):
    """Render ``view`` = (tables, csv table, json data, notes) and write it.

    ``xlsx``: a function of the output path that writes a workbook; the
    default writes ``view``'s tables, one sheet each.
    """
    from landcalc.output import check_target, emit
    from landcalc.render import render, resolve_format

    check_target(output)  # first: a folder has no extension to take the format from
    fmt = resolve_format(fmt, output)
    tables, machine, data, notes = view
    if not quiet:
        for w in warnings:
            sys.stderr.write(f"warning: {w}\n")
        sys.stderr.flush()
    if fmt == "xlsx":
        if xlsx is None:
            from landcalc.xlsx import write_tables

            write_tables(output, tables, unit)
        else:
            xlsx(output)
        return
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    text = render(
        fmt, tables, machine=machine, data=data, notes=notes, unit=unit, to_terminal=to_terminal
    )
    emit(text, output)


def prepare_output(fmt, output, plot=None):
    """Check the format and the targets before any work is done."""
    from landcalc.output import check_target
    from landcalc.render import resolve_format

    check_target(output)  # first: a folder has no extension to take the format from
    fmt = resolve_format(fmt, output)
    if fmt == "xlsx":
        if output in (None, "-"):
            from landcalc.errors import InputError

            raise InputError("xlsx needs a file: give -o FILE.xlsx")
        from landcalc.xlsx import _xlsxwriter

        _xlsxwriter()
    if plot is not None:
        from landcalc.plots import plot_format, pyplot

        check_target(plot)
        plot_format(plot)
        pyplot()
    return fmt


def plot_option(fn):
    """--plot FILE (an image; the extra landcalc[plot])."""
    return click.option(
        "--plot",
        "plot",
        metavar="FILE",
        default=None,
        help="Also draw an image: FILE.png, FILE.svg or FILE.pdf (needs the extra landcalc[plot]).",
    )(fn)


def chart_options(fn):
    """--chart, --width and --plot."""
    for deco in reversed(
        (
            click.option(
                "--chart",
                is_flag=True,
                help="Also draw a text chart (on stdout, or on stderr when stdout carries "
                "CSV or JSON).",
            ),
            click.option(
                "--width",
                type=click.IntRange(40, 1000),
                default=None,
                help="Width of the chart in characters (default: the terminal's, else 80).",
            ),
            plot_option,
        )
    ):
        fn = deco(fn)
    return fn


def show_chart(make, fmt, output, width):
    """Print a chart where it does not mix with data: stdout unless stdout carries data.

    ``make(width, markup)`` returns the chart's text.
    """
    from landcalc.render import resolve_format, terminal_width

    fmt = resolve_format(fmt, output)
    data_on_stdout = output in (None, "-") and fmt != "table"
    stream = sys.stderr if data_on_stdout else sys.stdout
    tty = stream.isatty()
    w = width or (terminal_width() if tty else None) or 80
    text = make(w, tty)
    if tty:
        from rich.console import Console

        Console(file=stream, width=w, highlight=False).print(text, end="")
    else:
        stream.write(text)
        stream.flush()
