"""Land-book commands: evaluate (parameter sets from a CSV) and portfolio (parcels)."""

from __future__ import annotations

import click

from landcalc.cli.common import output_options, prepare_output, set_option

#: Above this many rows, table and markdown output is refused (use CSV or JSON).
MAX_HUMAN_ROWS = 10_000


def write_rows(fmt, output, header, cols, kinds, n, unit, title, extra=None):
    """Stream rows to ``output`` (atomically) or stdout in any format."""
    from landcalc.errors import InputError

    if fmt in ("table", "markdown", "xlsx"):
        if n > MAX_HUMAN_ROWS:
            raise InputError(
                f"{n:,} rows are too many for a {fmt} (at most {MAX_HUMAN_ROWS:,}); "
                "write CSV or JSON, e.g. -o results.csv"
            )
        from landcalc.cli.common import deliver
        from landcalc.views import rows_view

        deliver(rows_view(title, header, cols, kinds, n, extra), fmt, output, unit)
        return

    from landcalc.columns import emit_rows

    wrap = None
    if fmt == "json" and extra is not None:
        import json

        from landcalc.render import clean_json

        body = json.dumps(clean_json(extra), indent=2, ensure_ascii=False)
        wrap = ('{"rows": ', ',\n"totals": ' + body + "}\n")
    emit_rows(output, header, cols, kinds, fmt, wrap=wrap)


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--points",
    "points_file",
    required=True,
    metavar="POINTS.csv",
    help="CSV: columns named by parameter paths are inputs; other columns are carried through.",
)
@set_option
@output_options
def evaluate(file, points_file, sets, fmt, output, unit, quiet):
    """Evaluate every row of a CSV of parameter sets, in one batch.

    Each row of POINTS.csv is applied on top of the scenario FILE (and --set).
    Columns whose names contain a dot are parameter paths (hen.tax.amount,
    discount.rate, scenario.area, ...); other columns (an id, a name) are
    carried through unchanged. The output has one row per input row: the
    input columns, then npv.OPTION for every option, then difference.OPTION,
    payback_year.OPTION and breakeven_rate.OPTION for every other option.

    \b
    Examples:
      landcalc evaluate scenarios/songjiang-2016.toml --points sample.csv -o results.csv
      landcalc evaluate scenarios/songjiang-2016.toml --points sample.csv -f json
    """
    from landcalc.landbook import evaluate_points, read_points
    from landcalc.scenario import load_scenario

    fmt = prepare_output(fmt, output)
    sc = load_scenario(file, overrides=sets)
    pts = read_points(sc, points_file)
    res = evaluate_points(sc, pts)
    header, cols, kinds = res.columns()
    write_rows(fmt, output, header, cols, kinds, pts.n, unit, f"{sc.name}: {pts.n} points")


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--parcels",
    "parcels_file",
    required=True,
    metavar="PARCELS.csv",
    help="The land book: one row per parcel, columns named by parameter paths "
    "(usually scenario.area and per-parcel amounts) plus any others.",
)
@click.option(
    "--choose",
    type=click.Choice(["best"]),
    default=None,
    help="Pick the option with the largest NPV on each parcel and total that plan.",
)
@set_option
@output_options
def portfolio(file, parcels_file, choose, sets, fmt, output, unit, quiet):
    """Evaluate a land book and total it: area, NPVs, differences, wins.

    Every row of PARCELS.csv is one parcel, applied on top of the scenario
    FILE. Besides one result row per parcel (as evaluate), it reports the
    total area, the total NPV of each option, the total difference, and how
    many parcels and mu each option wins. With --choose best, each parcel
    goes to its best option and that mixed plan is totalled against plans
    that give every parcel to one option. CSV holds the parcel rows; the
    totals are in the table, Markdown and JSON ({"rows": [...], "totals": {...}}).

    \b
    Examples:
      landcalc portfolio scenarios/songjiang-2016.toml --parcels scenarios/songjiang-parcels.csv
      landcalc portfolio scenarios/songjiang-2016.toml --parcels scenarios/songjiang-parcels.csv \\
          --choose best -f json
    """
    from landcalc.landbook import portfolio as run
    from landcalc.landbook import read_points
    from landcalc.scenario import load_scenario

    fmt = prepare_output(fmt, output)
    sc = load_scenario(file, overrides=sets)
    pts = read_points(sc, parcels_file, what="--parcels")
    res = run(sc, pts, choose=choose)
    header, cols, kinds = res.rows.columns()
    if res.totals.best is not None:
        header = [*header, "best"]
        cols = [*cols, res.totals.best]
        kinds = [*kinds, "str"]
    write_rows(
        fmt,
        output,
        header,
        cols,
        kinds,
        pts.n,
        unit,
        f"{sc.name}: {pts.n} parcels",
        extra=res.totals.to_dict(),
    )
