"""The ``simulate`` command: Monte Carlo over a scenario's ``[uncertain]`` inputs."""

from __future__ import annotations

import sys

import click

from landcalc.cli.common import (
    deliver,
    output_options,
    plot_option,
    prepare_output,
    set_option,
    show_chart,
)


@click.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    metavar="N",
    help="Number of draws.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    metavar="S",
    help="Seed of the random numbers (a whole number >= 0). Without it a fresh seed is "
    "drawn and reported, so that any run can be repeated.",
)
@click.option(
    "--draws-out",
    metavar="FILE",
    default=None,
    help="Also write every draw to FILE (CSV): each sampled input, each option's NPV, and "
    "each comparison's difference, payback year and break-even rate.",
)
@click.option(
    "--fix-correlations",
    is_flag=True,
    help="When [correlations] cannot hold together, use the nearest valid correlations "
    "(with a warning) instead of stopping.",
)
@click.option(
    "--yes",
    is_flag=True,
    help=f"Go ahead with more than {10**8:,} draws (they need gigabytes of memory, and "
    "--draws-out tens of gigabytes of disk).",
)
@click.option(
    "--chart",
    is_flag=True,
    help="Also draw the histogram of the difference when the output is CSV, JSON or a "
    "file (the table always has it).",
)
@set_option
@output_options
@plot_option
def simulate(
    file,
    draws,
    seed,
    draws_out,
    fix_correlations,
    yes,
    chart,
    sets,
    fmt,
    output,
    unit,
    quiet,
    plot,
):
    """Monte Carlo: how likely is each option to beat the baseline?

    Draws every input of the file's [uncertain] table (uniform, triangular,
    pert, normal, lognormal, choice; normal and lognormal may be truncated by
    low/high), with the rank correlations of [correlations], and evaluates
    every draw. Shows per option the mean, standard deviation, P5, P50 and
    P95 of its NPV; per comparison the probability that it is worth more than
    the baseline with its standard error, the distribution of the difference
    and a histogram of it with 0 marked; and the seed, to repeat the run.
    --plot draws the histogram and the cumulative distribution as an image.

    \b
    Example:
      landcalc simulate scenarios/songjiang-2016.toml
      landcalc simulate scenarios/songjiang-2016.toml --draws 1000000 --seed 7
      landcalc simulate scenarios/songjiang-2016.toml --seed 7 -o result.json
      landcalc simulate scenarios/songjiang-2016.toml -n 10000 --draws-out draws.csv
      landcalc simulate scenarios/songjiang-2016.toml --set scenario.horizon=30 -f markdown
      landcalc simulate scenarios/hen-wins.toml --seed 7 --plot distribution.png
    """
    from landcalc.render import terminal_width
    from landcalc.scenario import load_scenario
    from landcalc.simulate import check_draws_out
    from landcalc.simulate import simulate as run
    from landcalc.simulate_view import simulate_view

    fmt = prepare_output(fmt, output, plot)
    if draws_out is not None:
        check_draws_out(draws_out)
        _same_file(draws_out, output)
    sc = load_scenario(file, overrides=sets)
    _check_size(sc, draws, draws_out, yes)
    with _Progress(draws, quiet) as progress:
        result = run(
            sc,
            draws,
            seed,
            draws_out=draws_out,
            progress=progress,
            fix_correlations=fix_correlations,
        )
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    width = terminal_width() if to_terminal else None
    view = simulate_view(result, fmt, unit, width)
    deliver(view, fmt, output, unit, quiet, result.warnings)
    if chart and not (fmt == "table" and output in (None, "-")):
        from landcalc.simulate_view import difference_chart

        def make(w, _markup):
            return "".join(
                difference_chart(result, o, "table", unit, w) + "\n" for o in result.comparisons
            )

        show_chart(make, fmt, output, None)
    if plot is not None:
        from landcalc.plots import plot_simulation

        plot_simulation(result, plot)


#: Above this many draws, simulate asks for --yes.
MAX_DRAWS_WITHOUT_YES = 10**8


def _check_size(sc, draws, draws_out, yes):
    """Refuse a run that would fill memory or the disk unless --yes says so."""
    from landcalc.errors import InputError

    if draws <= MAX_DRAWS_WITHOUT_YES or yes:
        return
    kept = len(sc.options) + len(sc.alternatives)  # NPVs and differences, for percentiles
    text = f"--draws {draws:,}: would hold about {draws * 8 * kept / 1e9:,.0f} GB in memory"
    if draws_out is not None:
        columns = len(sc.uncertain) + len(sc.options) + 3 * len(sc.alternatives)
        # about 17 bytes a cell, as measured on the Songjiang scenario
        text += f" and write about {draws * 17 * columns / 1e9:,.0f} GB to {draws_out}"
    raise InputError(text + "; add --yes to go ahead")


def _same_file(draws_out, output):
    import os

    from landcalc.errors import InputError

    if output in (None, "-"):
        return
    if os.path.abspath(draws_out) == os.path.abspath(output):
        raise InputError(f"--draws-out {draws_out}: is also the -o file; give two different files")


class _Progress:
    """A rich progress bar on stderr while drawing, only on a terminal and without --quiet."""

    def __init__(self, total, quiet):
        self.total = total
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} draws"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.bar.start()
        task = self.bar.add_task("simulate", total=self.total)

        def update(done, total):
            self.bar.update(task, completed=done)

        return update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
