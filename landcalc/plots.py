"""Image files of results (optional extra ``landcalc[plot]``, drawn with matplotlib).

Every figure names its scenario in the title, notes the discount rate and the
horizon, and labels its axes with units. Files are written atomically; the
format comes from the extension: ``.png``, ``.svg`` or ``.pdf``.
"""

from __future__ import annotations

from pathlib import Path

from landcalc.errors import InputError

PLOT_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


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
            fig.savefig(tmp, format=fmt, bbox_inches="tight", metadata=_metadata(fmt))
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
