"""Core commands: compare, cashflows, validate, new."""

from __future__ import annotations

import sys

import click

from landcalc.cli.common import (
    chart_options,
    deliver,
    output_options,
    prepare_output,
    set_option,
    show_chart,
)


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@set_option
@output_options
@chart_options
def compare(files, sets, fmt, output, unit, quiet, chart, width, plot):
    """NPV of every option, and each option against the baseline.

    Shows each option's NPV, NPV per mu, undiscounted total and the NPV of
    each flow; then, against the baseline, the difference, the payback year
    and the break-even discount rate; then one sentence in words. Several
    files give one result each (a JSON list). -o FILE.xlsx writes a workbook;
    --chart draws the cumulative discounted cash with the crossing year, and
    --plot saves that picture.

    \b
    Examples:
      landcalc compare scenarios/songjiang-2016.toml
      landcalc compare scenarios/*.toml --unit yi
      landcalc compare scenarios/songjiang-2016.toml --set hen.tax.share=0.5 -f json
      landcalc compare scenarios/songjiang-2016.toml -o result.csv
      landcalc compare scenarios/hen-wins.toml --chart --plot crossing.png
    """
    from landcalc.analysis import cashflows as schedule
    from landcalc.analysis import compare as run
    from landcalc.errors import InputError
    from landcalc.scenario import load_scenario
    from landcalc.views import compare_view, cumulative_chart

    prepare_output(fmt, output, plot)
    if plot is not None and len(files) > 1:
        raise InputError(f"--plot {plot}: give one scenario file for a picture")
    results = [run(load_scenario(f, overrides=sets)) for f in files]
    warnings = [w for r in results for w in r.warnings]
    deliver(compare_view(results), fmt, output, unit, quiet, warnings)
    if chart or plot is not None:
        for res in results:
            cf = schedule(res.scenario)
            paybacks = {n: c.payback_year for n, c in res.comparisons.items()}
            if chart:
                show_chart(
                    lambda w, m, cf=cf, p=paybacks: cumulative_chart(cf, p, w, m),
                    fmt,
                    output,
                    width,
                )
            if plot is not None:
                from landcalc.plots import plot_cumulative

                plot_cumulative(cf, plot, paybacks)


@click.command()
@click.argument("file", metavar="FILE")
@set_option
@output_options
@chart_options
def cashflows(file, sets, fmt, output, unit, quiet, chart, width, plot):
    """The year-by-year schedule of every option, for audit.

    For each year: each flow's cash, the option's cash, the discount factor,
    the discounted cash and its running sum; then each option's difference
    with the baseline and its cumulative discounted sum (whose last value is
    the difference that compare reports). -o FILE.xlsx writes a live workbook:
    the assumptions as named cells and every number a formula of them.

    \b
    Examples:
      landcalc cashflows scenarios/songjiang-2016.toml
      landcalc cashflows scenarios/songjiang-2016.toml -o schedule.csv
      landcalc cashflows scenarios/songjiang-2016.toml -o audit.xlsx
      landcalc cashflows scenarios/hen-wins.toml --chart
    """
    from landcalc.analysis import cashflows as run
    from landcalc.analysis import compare as run_compare
    from landcalc.scenario import load_scenario
    from landcalc.views import cashflows_view, cumulative_chart

    prepare_output(fmt, output, plot)
    sc = load_scenario(file, overrides=sets)
    res = run(sc)
    need_compare = chart or plot is not None or (output or "").lower().endswith(".xlsx")
    cmp = run_compare(sc) if need_compare else None

    def workbook(path):
        from landcalc.xlsx import write_cashflows

        write_cashflows(path, sc, cmp)

    deliver(cashflows_view(res), fmt, output, unit, quiet, xlsx=workbook)
    paybacks = {n: c.payback_year for n, c in cmp.comparisons.items()} if cmp else {}
    if chart:
        show_chart(lambda w, m: cumulative_chart(res, paybacks, w, m), fmt, output, width)
    if plot is not None:
        from landcalc.plots import plot_cumulative

        plot_cumulative(res, plot, paybacks)


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@set_option
@output_options
def validate(files, sets, fmt, output, unit, quiet):
    """Check scenario files without computing anything.

    Prints one line per file; every invalid file also gets one 'error:' line
    on stderr, and the exit status is 2 when any file is invalid.

    \b
    Examples:
      landcalc validate scenarios/*.toml
      landcalc validate my-plot.toml --set hen.tax.hazard=0.05
    """
    from landcalc.errors import LandcalcError
    from landcalc.scenario import load_scenario
    from landcalc.views import validate_view

    prepare_output(fmt, output)
    entries = []
    errors = []
    for f in files:
        try:
            entries.append((f, load_scenario(f, overrides=sets), None))
        except LandcalcError as exc:
            entries.append((f, None, str(exc)))
            errors.append(str(exc))
    fmt_used = fmt or ("table" if output in (None, "-") else None)
    if fmt_used == "table" and output in (None, "-"):
        for f, sc, _err in entries:
            if sc is not None:
                click.echo(
                    f'ok: {f}: "{sc.name}", {len(sc.options)} options '
                    f"({', '.join(sc.options)}), baseline {sc.baseline}, {sc.horizon} years, "
                    f"{sc.area_mu:,.6g} mu"
                )
    else:
        deliver(validate_view(entries), fmt, output, unit, quiet=True)
    for e in errors:
        sys.stderr.write(f"error: {e}\n")
    if errors:
        sys.exit(2)


@click.command()
@click.argument("file", metavar="FILE")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new(file, force):
    """Write a commented scenario template to FILE ('-' for stdout).

    The template is the Songjiang 2016 case with every key explained; it
    validates as written. Edit it, then run compare.

    \b
    Examples:
      landcalc new my-plot.toml
      landcalc new - > my-plot.toml
    """
    import os

    from landcalc.errors import InputError
    from landcalc.output import atomic_write
    from landcalc.template import TEMPLATE

    if file == "-":
        click.echo(TEMPLATE, nl=False)
        return
    if os.path.exists(file) and not force:
        raise InputError(f"{file}: already exists; use --force to overwrite it")
    atomic_write(file, TEMPLATE)
    click.echo(f"wrote {file}; check it with: landcalc validate {file}", err=True)
