"""Image files of results (optional extra ``landcalc[plot]``, drawn with matplotlib).

Every figure names its scenario in the title, notes the discount rate and the
horizon, and labels its axes with units. Files are written atomically; the
format comes from the extension: ``.png``, ``.svg`` or ``.pdf``.
"""

from __future__ import annotations

from pathlib import Path

from landcalc.errors import InputError

PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: Resolution of PNG files [dots per inch].
DPI = 100


def plot_format(path: str) -> str:
    """The image format of ``--plot FILE``, or an error naming the file."""
    ext = Path(path).suffix.lower()
    if ext not in PLOT_FORMATS:
        raise InputError(
            f"--plot {path}: cannot tell the image format from '{ext or 'no extension'}'; "
            "use .png, .svg or .pdf"
        )
    return PLOT_FORMATS[ext]


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend, or a clear error."""
    try:
        import matplotlib
    except ImportError:
        raise InputError(
            "drawing images needs matplotlib; install it with: pip install 'landcalc[plot]'"
        ) from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # keep text as text in SVG files
    return plt


def save(fig, path: str) -> None:
    """Save ``fig`` atomically to ``path`` and close it."""
    from landcalc.output import atomic_path

    fmt = plot_format(path)
    plt = pyplot()
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, bbox_inches="tight", metadata=_metadata(fmt), dpi=DPI)
    finally:
        plt.close(fig)


def _metadata(fmt):
    # no creation dates, so that the same result gives the same file
    if fmt == "png":
        return {"Software": None}
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    return None


def money_scale(values):
    """(factor, unit label) that keeps the largest absolute value readable."""
    import numpy as np

    top = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    for factor, label in ((1e9, "B yuan"), (1e6, "M yuan"), (1e3, "k yuan")):
        if top >= factor:
            return factor, label
    return 1.0, "yuan"


def scenario_note(scenario) -> str:
    return (
        f"discount {scenario.discount.describe()}, horizon {scenario.horizon} years, "
        f"{scenario.area_mu:,.6g} mu"
    )


def plot_cumulative(cf, path: str, payback=None) -> None:
    """Cumulative discounted cash of each option over the years, crossing years marked.

    Parameters
    ----------
    cf : landcalc.analysis.CashflowResult
    path : str
        ``.png``, ``.svg`` or ``.pdf``.
    payback : dict of str to int or None, optional
        Payback year of each non-baseline option (from ``compare``), marked
        with a vertical line.
    """
    import numpy as np

    plot_format(path)
    plt = pyplot()
    sc = cf.scenario
    factor, unit = money_scale(np.concatenate([cf.cumulative[o] for o in cf.cumulative]))
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for name in cf.cumulative:
        label = f"{name} (baseline)" if name == sc.baseline else name
        ax.plot(cf.years, cf.cumulative[name] / factor, label=label, linewidth=2)
    for name, year in (payback or {}).items():
        if year is None:
            continue
        ax.axvline(year, color="0.4", linestyle="--", linewidth=1)
        ax.annotate(
            f"{name} overtakes {sc.baseline}: year {year}",
            xy=(year, ax.get_ylim()[1]),
            xytext=(4, -14),
            textcoords="offset points",
            fontsize=8,
            color="0.25",
        )
    ax.axhline(0, color="0.7", linewidth=0.8)
    ax.set_xlabel("Year")
    ax.set_ylabel(f"Cumulative discounted cash [{unit}]")
    ax.set_title(f"{sc.name}\n{scenario_note(sc)}", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, alpha=0.3)
    save(fig, path)


def _first_alternative(scenario, option=None):
    return option or scenario.alternatives[0]


def plot_sweep(res, path: str, option: str | None = None) -> None:
    """The difference over a sweep: a line for one varied input, a heat map with the
    break-even contour for two (further inputs are held at their first value).

    Parameters
    ----------
    res : landcalc.whatif.SweepResult
    path : str
    option : str, optional
        The comparison to draw (default: the first non-baseline option).
    """
    import numpy as np

    plot_format(path)
    plt = pyplot()
    sc = res.scenario
    opt = _first_alternative(sc, option)
    grid = res.grid(opt)
    factor, unit = money_scale(grid[np.isfinite(grid)] if np.isfinite(grid).any() else grid)
    axes = res.axes
    fig, ax = plt.subplots(figsize=(8, 5))
    if len(axes) == 1:
        x = axes[0].values
        ax.plot(x, grid / factor, linewidth=2, label=f"{opt} minus {sc.baseline}")
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_xlabel(_axis_label(axes[0].path))
        ax.set_ylabel(f"Difference [{unit}]")
        ax.legend(loc="best", fontsize=8)
        ax.grid(True, alpha=0.3)
    else:
        z = grid.reshape(grid.shape[0], grid.shape[1], -1)[:, :, 0] / factor
        x, y = axes[1].values, axes[0].values
        top = float(np.nanmax(np.abs(z))) or 1.0
        mesh = ax.pcolormesh(x, y, z, cmap="RdYlGn", vmin=-top, vmax=top, shading="nearest")
        cbar = fig.colorbar(mesh, ax=ax)
        cbar.set_label(f"Difference, {opt} minus {sc.baseline} [{unit}]")
        if np.nanmin(z) < 0 < np.nanmax(z) and min(z.shape) > 1:
            cs = ax.contour(x, y, z, levels=[0.0], colors="black", linewidths=1.5)
            ax.clabel(cs, fmt={0.0: "break-even"}, fontsize=8)
        ax.set_xlabel(_axis_label(axes[1].path))
        ax.set_ylabel(_axis_label(axes[0].path))
        if len(axes) > 2:
            held = ", ".join(f"{a.path} = {a.values[0]:g}" for a in axes[2:])
            ax.text(0.01, -0.12, f"held at {held}", transform=ax.transAxes, fontsize=7)
    ax.set_title(f"{sc.name}: {opt} against {sc.baseline}\n{scenario_note(sc)}", fontsize=10)
    save(fig, path)


def _axis_label(path: str) -> str:
    field = path.rsplit(".", 1)[-1]
    units = {
        "amount": "yuan",
        "rate": "per year",
        "growth": "per year",
        "hazard": "per year",
        "share": "fraction",
        "area": "in the file's area unit",
        "horizon": "years",
        "year": "year",
        "start": "year",
        "end": "year",
        "ramp": "years",
    }
    return f"{path} [{units.get(field, '')}]"


def plot_tornado(res, path: str, option: str | None = None) -> None:
    """Horizontal bars of the difference at each input's low and high, around the base."""
    import numpy as np

    plot_format(path)
    plt = pyplot()
    sc = res.scenario
    opt = _first_alternative(sc, option)
    rows = list(res.rows)[::-1]  # largest swing at the top
    base = res.base_difference[opt]
    lows = np.array([r.difference_low[opt] for r in rows])
    highs = np.array([r.difference_high[opt] for r in rows])
    factor, unit = money_scale(np.concatenate([lows, highs, [base]]))
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.8))
    yy = np.arange(len(rows))
    ax.barh(yy, (lows - base) / factor, left=base / factor, color="#c0504d", label="input low")
    ax.barh(yy, (highs - base) / factor, left=base / factor, color="#4f81bd", label="input high")
    ax.axvline(base / factor, color="black", linewidth=1)
    ax.axvline(0, color="0.5", linewidth=0.8, linestyle="--")
    ax.set_yticks(yy, [f"{r.param} ({r.low:g} to {r.high:g})" for r in rows], fontsize=8)
    ax.set_xlabel(f"Difference, {opt} minus {sc.baseline} [{unit}]")
    how = f"each input moved by {res.swing:.0%}" if res.swing else "ranges of [uncertain]"
    ax.set_title(f"{sc.name}: tornado ({how})\n{scenario_note(sc)}", fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    save(fig, path)


def plot_spider(res, path: str, option: str | None = None) -> None:
    """The difference as each input moves from -swing to +swing of its value."""
    import numpy as np

    plot_format(path)
    plt = pyplot()
    sc = res.scenario
    opt = _first_alternative(sc, option)
    d = res.difference[opt]
    factor, unit = money_scale(d)
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, p in enumerate(res.params):
        ax.plot(np.asarray(res.changes) * 100, d[i] / factor, marker="o", markersize=3, label=p)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_xlabel("Change of the input from its file value [%]")
    ax.set_ylabel(f"Difference, {opt} minus {sc.baseline} [{unit}]")
    ax.set_title(f"{sc.name}: spider chart\n{scenario_note(sc)}", fontsize=10)
    ax.legend(loc="best", fontsize=7)
    ax.grid(True, alpha=0.3)
    save(fig, path)


def plot_simulation(res, path: str, option: str | None = None) -> None:
    """Histogram and cumulative distribution of one comparison's difference, 0 marked.

    Parameters
    ----------
    res : landcalc.simulate.SimulationResult
    path : str
    option : str, optional
        The comparison to draw (default: the first non-baseline option).
    """
    import numpy as np

    plot_format(path)
    plt = pyplot()
    sc = res.scenario
    opt = _first_alternative(sc, option)
    d = np.sort(np.asarray(res.difference[opt], dtype=float))
    d = d[np.isfinite(d)]
    factor, unit = money_scale(d)
    x = d / factor
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    ax1.hist(x, bins=60, color="#4f81bd", edgecolor="white", linewidth=0.3)
    ax1.axvline(0, color="black", linewidth=1.2)
    ax1.set_xlabel(f"Difference, {opt} minus {sc.baseline} [{unit}]")
    ax1.set_ylabel("Draws")
    step = max(1, x.size // 4000)  # thin the curve, keep both ends
    xs = np.concatenate([x[::step], x[-1:]])
    ps = np.concatenate([np.arange(0, x.size, step), [x.size - 1]]) / max(1, x.size - 1)
    ax2.plot(xs, ps * 100, color="#4f81bd", linewidth=2)
    ax2.axvline(0, color="black", linewidth=1.2)
    c = res.comparisons[opt]
    ax2.set_xlabel(f"Difference, {opt} minus {sc.baseline} [{unit}]")
    ax2.set_ylabel("Cumulative share of draws [%]")
    ax2.grid(True, alpha=0.3)
    fig.suptitle(
        f"{sc.name}: {res.draws:,} draws (seed {res.seed}); P({opt} beats {sc.baseline}) = "
        f"{c.probability_better:.1%} ± {c.probability_better_se:.1%}\n{scenario_note(sc)}",
        fontsize=10,
    )
    save(fig, path)
