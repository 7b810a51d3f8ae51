"""What-if commands: sweep, tornado, breakeven."""

from __future__ import annotations

import sys

import click

from landcalc.cli.common import output_options, plot_option, prepare_output, set_option


def _deliver(view, fmt, output, unit, quiet):
    """Write a what-if view: streamed columns or a small table, JSON, or text for people."""
    from landcalc.columns import emit_rows
    from landcalc.output import emit
    from landcalc.render import terminal_width, to_csv, to_json
    from landcalc.whatif_view import render_human

    if not quiet:
        for w in view.warnings:
            sys.stderr.write(f"warning: {w}\n")
    if fmt == "xlsx":
        from landcalc.xlsx import write_tables

        write_tables(output, view.workbook or [view.machine])
        return
    if fmt in ("csv", "json") and view.columns is not None:
        names, arrays, kinds = view.columns
        emit_rows(output, names, arrays, kinds, fmt)
        return
    if fmt == "csv":
        text = to_csv(view.machine)
    elif fmt == "json":
        text = to_json(view.data)
    else:
        to_terminal = output in (None, "-") and sys.stdout.isatty()
        width = terminal_width() if to_terminal else None
        text = render_human(view, fmt, unit or view.unit, color=to_terminal, width=width)
    emit(text, output)


def _chart_width(output):
    from landcalc.render import terminal_width

    if output in (None, "-") and sys.stdout.isatty():
        return terminal_width()
    return None


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--vary",
    "varies",
    multiple=True,
    required=True,
    metavar="PATH=START:STOP:STEPS",
    help="A parameter and its values: START:STOP:STEPS (STEPS points, both ends included), "
    "START:STOP:STEPS:log (log spacing) or v1,v2,... (percentages allowed: 2%:10%:5). "
    "Repeatable: two give a grid, more a full factorial.",
)
@set_option
@output_options
@plot_option
def sweep(file, varies, sets, fmt, output, unit, quiet, plot):
    """Evaluate every combination of the given parameter values.

    One row per point: the varied parameters, the NPV of every option, and
    for each option against the baseline the difference, payback year and
    break-even rate. Two --vary also draw a map of who is ahead (table
    format). Tables, Markdown and -o FILE.xlsx stop at 10,000 rows; larger
    sweeps go to CSV or JSON (written in blocks, so 10^6 points are fine).
    --plot draws the difference: a line for one input, a heat map with the
    break-even contour for two.

    \b
    Examples:
      landcalc sweep scenarios/songjiang-2016.toml --vary discount.rate=0.02:0.10:5
      landcalc sweep scenarios/songjiang-2016.toml --vary hen.tax.amount=1e6,2e6,5e6,1e7 \\
          --vary discount.rate=2%:10%:9
      landcalc sweep scenarios/songjiang-2016.toml --vary hen.tax.amount=1e5:2e7:1000 \\
          --vary discount.rate=0.02:0.12:1000 -o grid.csv
      landcalc sweep scenarios/songjiang-2016.toml --vary hen.tax.end=20,30,40,50
      landcalc sweep scenarios/songjiang-2016.toml --vary hen.tax.amount=1e6:2e7:40 \
          --vary discount.rate=2%:12%:41 -o grid.csv --plot heatmap.png
    """
    import math

    from landcalc import whatif
    from landcalc.errors import InputError
    from landcalc.scenario import load_scenario
    from landcalc.whatif_view import MAX_TABLE_ROWS, sweep_sheet, sweep_view

    fmt = prepare_output(fmt, output, plot)
    sc = load_scenario(file, overrides=sets)
    axes = [whatif.parse_vary(text, sc) for text in varies]
    n = math.prod(len(a.values) for a in axes)
    what = {"table": "a table", "markdown": "Markdown", "xlsx": "a workbook"}
    if fmt in what and n > MAX_TABLE_ROWS:
        raise InputError(
            f"sweep: {n:,} points is too many for {what[fmt]} (at most {MAX_TABLE_ROWS:,} rows); "
            "write them to a file with -o sweep.csv (or --format csv or json)"
        )
    res = whatif.sweep(sc, axes)
    human = fmt in ("table", "markdown")
    view = sweep_view(res, unit, width=_chart_width(output), human=human)
    if fmt == "xlsx":
        view.workbook = [sweep_sheet(res)]
    _deliver(view, fmt, output, unit, quiet)
    if plot is not None:
        from landcalc.plots import plot_sweep

        plot_sweep(res, plot)


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--swing",
    metavar="FRACTION",
    default=None,
    help="Move every numeric input written in the file by this fraction of its value, "
    "e.g. 20% or 0.2 (instead of the ranges of [uncertain]).",
)
@click.option(
    "--spider",
    is_flag=True,
    help="Instead of low and high only, show the difference at --steps values from "
    "-SWING to +SWING of each input (needs --swing).",
)
@click.option(
    "--steps",
    type=int,
    default=None,
    metavar="N",
    help="Values per input for --spider, both ends included (default 5).",
)
@set_option
@output_options
@plot_option
def tornado(file, swing, spider, steps, sets, fmt, output, unit, quiet, plot):
    """Move each input alone to a low and a high value; largest swing first.

    The inputs are those of [uncertain] (the bounds of a uniform, else the
    P10 and P90), or with --swing every numeric input written in the file,
    moved by that fraction of its value (whole years rounded, values kept in
    their valid range). The table format draws a bar chart around the base
    difference above the table; --plot draws the tornado (or, with --spider,
    the spider chart) as an image.

    \b
    Examples:
      landcalc tornado scenarios/songjiang-2016.toml --swing 20%
      landcalc tornado my-plot.toml                  # ranges from [uncertain]
      landcalc tornado scenarios/songjiang-2016.toml --swing 20% -o tornado.csv
      landcalc tornado scenarios/songjiang-2016.toml --swing 20% --spider --steps 5
      landcalc tornado scenarios/songjiang-2016.toml --swing 20% --plot tornado.svg
    """
    from landcalc import whatif
    from landcalc.errors import InputError
    from landcalc.scenario import load_scenario
    from landcalc.whatif_view import spider_view, tornado_view

    if spider and swing is None:
        raise InputError("--spider needs --swing, e.g. --spider --swing 20%")
    if steps is not None and not spider:
        raise InputError(f"--steps {steps}: goes with --spider")
    if steps is not None and not 2 <= steps <= 101:
        raise InputError(f"--steps {steps}: must be from 2 to 101")
    fraction = None if swing is None else whatif.parse_swing(swing)
    fmt = prepare_output(fmt, output, plot)
    sc = load_scenario(file, overrides=sets)
    width = _chart_width(output)
    if spider:
        res = whatif.spider(sc, fraction, 5 if steps is None else steps)
        view = spider_view(res, unit)
    else:
        res = whatif.tornado(sc, fraction)
        view = tornado_view(res, unit, width=width)
    _deliver(view, fmt, output, unit, quiet)
    if plot is not None:
        from landcalc import plots

        (plots.plot_spider if spider else plots.plot_tornado)(res, plot)


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--param",
    metavar="PATH",
    default=None,
    help="The parameter to solve for, e.g. hen.tax.amount. Without it: every numeric input "
    "of the file, nearest break-even first.",
)
@click.option(
    "--within",
    metavar="LOW:HIGH",
    default=None,
    help="Search only between LOW and HIGH (with --param), e.g. 0.02:0.12 or 2%:12%.",
)
@set_option
@output_options
def breakeven(file, param, within, sets, fmt, output, unit, quiet):
    """The value of a parameter at which each option matches the baseline.

    Goal seek: everything else held at the file's values, the value of PATH
    at which each option's NPV difference with the baseline is zero.
    Amounts, shares and the area are solved exactly; rates, growth and
    hazard by a bracketed search over their valid range (or --within);
    whole-year fields give the nearest whole year that reverses the answer.
    Without --param: the "what would have to be true" table of every input.

    \b
    Examples:
      landcalc breakeven scenarios/songjiang-2016.toml --param hen.tax.amount
      landcalc breakeven scenarios/songjiang-2016.toml --param discount.rate --within 0:0.2
      landcalc breakeven scenarios/hen-wins.toml --param hen.tax.end -f json
      landcalc breakeven scenarios/songjiang-2016.toml
    """
    from landcalc import whatif
    from landcalc.errors import InputError
    from landcalc.scenario import load_scenario
    from landcalc.whatif_view import breakeven_table_view, breakeven_view

    if within is not None and param is None:
        raise InputError(f"--within {within}: needs --param (it is the range of one parameter)")
    if within is not None:
        whatif.parse_within(within)  # bad text fails before any work
    fmt = prepare_output(fmt, output)
    sc = load_scenario(file, overrides=sets)
    if param is None:
        view = breakeven_table_view(whatif.breakeven(sc), unit)
    else:
        view = breakeven_view(whatif.breakeven(sc, param, within), unit)
    _deliver(view, fmt, output, unit, quiet)
