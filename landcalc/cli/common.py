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


def deliver(view, fmt, output, unit, quiet=False, warnings=()):
    """Render ``view`` = (tables, csv table, json data, notes) and write it."""
    from landcalc.output import check_target, emit
    from landcalc.render import render, resolve_format

    check_target(output)  # first: a folder has no extension to take the format from
    fmt = resolve_format(fmt, output)
    tables, machine, data, notes = view
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    text = render(
        fmt, tables, machine=machine, data=data, notes=notes, unit=unit, to_terminal=to_terminal
    )
    if not quiet:
        for w in warnings:
            sys.stderr.write(f"warning: {w}\n")
    emit(text, output)


def prepare_output(fmt, output):
    """Check the format and the target before any work is done."""
    from landcalc.output import check_target
    from landcalc.render import resolve_format

    check_target(output)  # first: a folder has no extension to take the format from
    fmt = resolve_format(fmt, output)
    return fmt
