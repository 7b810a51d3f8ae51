"""A text line chart for the terminal: cumulative cash over the years.

Pure text (optionally with rich colour markup), sized to a given width, so it
reads the same in a terminal, a pipe or a file.
"""

from __future__ import annotations

import math

GLYPHS = ("*", "o", "+", "x", "#", "@")
COLOURS = ("cyan", "magenta", "yellow", "green", "blue", "red")


def _fmt(v: float, factor: float) -> str:
    x = v / factor
    return f"{x:.3e}" if abs(x) >= 1e15 else f"{x:,.1f}"  # not a 300-digit label


def line_chart(
    x,
    series: dict,
    *,
    width: int = 80,
    height: int = 15,
    marks: dict | None = None,
    unit: tuple = (1.0, "yuan"),
    title: str = "",
    markup: bool = False,
) -> str:
    """Draw ``series`` (name -> values over ``x``) as text.

    Parameters
    ----------
    x : sequence of int
        The years.
    series : dict of str to sequence of float
    width : int
        Total width in characters, labels included (at least 40).
    height : int
        Rows of the plot area.
    marks : dict of str to int, optional
        Labelled vertical lines, e.g. ``{"hen overtakes rooster": 23}``.
    unit : (factor, label)
        Values are divided by ``factor`` for the axis labels.
    markup : bool
        Colour the lines with rich markup (for a terminal).

    Returns
    -------
    str
    """
    xs = [float(v) for v in x]
    names = list(series)
    values = {n: [float(v) for v in series[n]] for n in names}
    finite = [v for n in names for v in values[n] if math.isfinite(v)]
    if not xs or not finite:
        return title + "\n(no data)\n"
    factor, unit_label = unit
    lo, hi = min(finite + [0.0]), max(finite + [0.0])
    if hi == lo:
        hi = lo + 1.0
    labels = [_fmt(hi, factor), _fmt(lo, factor), _fmt(0.0, factor)]
    margin = max(len(s) for s in labels) + 2
    plot_w = max(20, width - margin - 1)
    x0, x1 = xs[0], xs[-1]
    span = (x1 - x0) or 1.0

    def col(xv):
        return min(plot_w - 1, max(0, round((xv - x0) / span * (plot_w - 1))))

    def row(yv):
        return min(height - 1, max(0, round((hi - yv) / (hi - lo) * (height - 1))))

    grid = [[" "] * plot_w for _ in range(height)]
    colour = [[None] * plot_w for _ in range(height)]
    zero = row(0.0)
    for c in range(plot_w):
        grid[zero][c] = "-"
    for xv in (marks or {}).values():
        c = col(xv)
        for r in range(height):
            if grid[r][c] in (" ", "-"):
                grid[r][c] = "|"
    for i, n in enumerate(names):
        g = GLYPHS[i % len(GLYPHS)]
        for xv, yv in zip(xs, values[n], strict=True):
            if not math.isfinite(yv):
                continue
            r, c = row(yv), col(xv)
            grid[r][c] = g
            colour[r][c] = COLOURS[i % len(COLOURS)]
    lines = []
    if title:
        lines.append(title)
    for r in range(height):
        if r == 0:
            lab = labels[0]
        elif r == height - 1:
            lab = labels[1]
        elif r == zero:
            lab = labels[2]
        else:
            lab = ""
        cells = []
        for c in range(plot_w):
            ch = grid[r][c]
            if markup and colour[r][c]:
                cells.append(f"[{colour[r][c]}]{ch}[/]")
            elif markup and ch == "[":
                cells.append("\\[")
            else:
                cells.append(ch)
        lines.append(lab.rjust(margin - 1) + " " + "".join(cells))
    axis = " " * margin + "^" + " " * (plot_w - 2) + "^"
    lines.append(axis[: margin + plot_w])
    left, right = f"{x0:g}", f"{x1:g}"
    lines.append(" " * margin + left + right.rjust(plot_w - len(left)))
    legend = []
    for i, n in enumerate(names):
        g = GLYPHS[i % len(GLYPHS)]
        legend.append(f"[{COLOURS[i % len(COLOURS)]}]{g}[/] {n}" if markup else f"{g} {n}")
    lines.append(" " * margin + "   ".join(legend) + f"   (year; {unit_label})")
    for label, xv in (marks or {}).items():
        lines.append(" " * margin + f"| year {xv:g}: {label}")
    return "\n".join(lines) + "\n"
