"""Land-book commands: evaluate (parameter sets from a CSV) and portfolio (parcels)."""

from __future__ import annotations

import sys

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
@click.option(
    "--simulate",
    "draws",
    type=int,
    default=None,
    metavar="N",
    help="Draw [uncertain] N times, each draw applied to every parcel at once, for the "
    "distribution of the total difference.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="S",
    help="Seed for --simulate (default: a fresh one, reported).",
)
@click.option(
    "--fix-correlations",
    is_flag=True,
    help="With --simulate: use the nearest valid correlation matrix if [correlations] is not one.",
)
@set_option
@output_options
def portfolio(
    file, parcels_file, choose, draws, seed, fix_correlations, sets, fmt, output, unit, quiet
):
    """Evaluate a land book and total it: area, NPVs, differences, wins.

    Every row of PARCELS.csv is one parcel, applied on top of the scenario
    FILE. Besides one result row per parcel (as evaluate), it reports the
    total area, the total NPV of each option, the total difference, and how
    many parcels and mu each option wins. With --choose best, each parcel
    goes to its best option and that mixed plan is totalled against plans
    that give every parcel to one option. CSV holds the parcel rows; the
    totals are in the table, Markdown and JSON ({"rows": [...], "totals": {...}}).
    With --simulate N, [uncertain] is drawn N times and each draw is applied
    to every parcel (one discount rate, one growth for the whole book): the
    totals gain the distribution of the total difference and the probability
    that the plan beats the all-baseline plan.

    \b
    Examples:
      landcalc portfolio scenarios/songjiang-2016.toml --parcels scenarios/songjiang-parcels.csv
      landcalc portfolio scenarios/songjiang-2016.toml --parcels scenarios/songjiang-parcels.csv \\
          --choose best -f json
      landcalc portfolio scenarios/songjiang-2016.toml --parcels scenarios/songjiang-parcels.csv \\
          --simulate 1000 --seed 7
    """
    from landcalc.errors import InputError
    from landcalc.landbook import portfolio as run
    from landcalc.landbook import read_points
    from landcalc.scenario import load_scenario

    if seed is not None and draws is None:
        raise InputError(f"--seed {seed}: goes with --simulate")
    if draws is not None and draws < 1:
        raise InputError(f"--simulate {draws}: must be at least 1")
    if seed is not None and seed < 0:
        raise InputError(f"--seed {seed}: must be 0 or more")
    fmt = prepare_output(fmt, output)
    sc = load_scenario(file, overrides=sets)
    pts = read_points(sc, parcels_file, what="--parcels")
    res = run(sc, pts, choose=choose)
    if draws is not None:
        from landcalc.landbook import simulate_portfolio

        sim = simulate_portfolio(
            sc, pts, draws, seed, best=res.totals.best, fix_correlations=fix_correlations
        )
        res.totals.simulation = sim
        if not quiet:
            for w in sim.get("warnings", []):
                sys.stderr.write(f"warning: {w}\n")
            if sim["not_drawn"]:
                sys.stderr.write(
                    "warning: not drawn, set per parcel by the land book: "
                    + ", ".join(sim["not_drawn"])
                    + "\n"
                )
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
