"""Text charts for the terminal that every command reuses.

* :func:`histogram`: a distribution with a marker (``simulate``);
* :func:`tornado_chart` and :func:`sign_grid`: tornado bars and the sign map
  of a two-way sweep (``tornado``, ``sweep``), as :class:`rich.text.Text` so
  that colours show on a terminal and vanish in a file or a pipe;
* :func:`line_chart`: cumulative cash over the years with the crossing year
  marked (``compare --chart``, ``cashflows --chart``).

The characters alone carry the meaning, so every chart reads the same in a
terminal, a pipe, a file or a Markdown code block.
"""

from __future__ import annotations

import math

#: Eighths of a character cell, from empty to full.
BLOCKS = " ▁▂▃▄▅▆▇█"
MARK = "│"


def histogram(values, width, marker=0.0, *, height=8, fmt=None, tails=0.0, label="values") -> str:
    """A column histogram of ``values`` with the position of ``marker`` drawn in.

    Parameters
    ----------
    values : array_like
        Finite numbers (others are ignored).
    width : int
        Columns of the plot: one bin per column (at least 10).
    marker : float, optional
        A value to mark with a vertical line (``│``) and to label under the
        axis, e.g. 0 for a difference; when it lies outside the range shown,
        the last line says on which side.
    height : int, optional
        Rows of the plot; each row has eight steps, so small bins stay visible.
    fmt : callable, optional
        Formats the numbers of the axis labels (default: 4 significant digits).
    tails : float, optional
        Share of the values left out at each end (e.g. 0.001), so that a few
        extreme values do not squeeze the rest into one column; the last line
        counts what was left out.
    label : str, optional
        What the values are, for the last line.

    Returns
    -------
    str
        Lines of text, each ending with a newline; empty when there is no
        finite value.

    Examples
    --------
    >>> print(histogram([-1, 1, 1, 2, 2, 2, 3], 21, marker=0.0, height=2), end="")
         │    ▃    █
    ▆    │    █    █    ▆
    ─────┴───────────────
    -1   0              3
    """
    import numpy as np

    fmt = fmt or (lambda v: f"{v:.4g}")
    width = max(10, int(width))
    height = max(1, int(height))
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return ""
    lo, hi = float(x.min()), float(x.max())
    left_out = 0
    if tails > 0 and x.size > 1:
        qlo, qhi = np.quantile(x, [tails, 1.0 - tails])
        if qhi > qlo:
            lo, hi = float(qlo), float(qhi)
            left_out = int(np.count_nonzero((x < lo) | (x > hi)))
    inside = lo <= marker <= hi
    bins = width - 1 if inside else width
    if hi > lo:
        if inside:
            # bins aligned on the marker: it falls on the edge between two of them
            step = (hi - lo) / max(1, bins - 1)
            below = math.ceil((marker - lo) / step)
            above = math.ceil((hi - marker) / step)
            edges = marker + step * np.arange(-below, above + 1)
            counts, _ = np.histogram(x, bins=edges)
            mcol = below
        else:
            counts, _ = np.histogram(x, bins=bins, range=(lo, hi))
            mcol = None
    else:
        counts = np.zeros(bins, dtype=np.int64)
        counts[bins // 2] = x.size
        mcol = bins // 2 if inside else None
    top = counts.max()
    levels = np.ceil(counts / top * height * 8).astype(int) if top else counts
    columns = [int(v) for v in levels]
    if mcol is not None:
        columns.insert(mcol, -1)  # the marker's own column
    rows = []
    for r in range(height - 1, -1, -1):
        cells = []
        for lev in columns:
            if lev < 0:
                cells.append(MARK)
                continue
            cells.append(BLOCKS[min(8, max(0, lev - 8 * r))])
        rows.append("".join(cells).rstrip())
    axis = ["─"] * len(columns)
    if mcol is not None:
        axis[mcol] = "┴"
    rows.append("".join(axis))
    rows.append(_labels(len(columns), fmt(lo), fmt(hi), mcol, fmt(marker)))
    notes = []
    if mcol is None:
        side = "below" if marker < lo else "above"
        notes.append(f"{fmt(marker)} lies {side} all {label} shown")
    if left_out:
        notes.append(f"{left_out:,} {label} beyond the ends are not shown")
    if notes:
        rows.append("; ".join(notes))
    return "\n".join(rows) + "\n"


def _labels(width, left, right, mcol, mark):
    """The axis labels: the ends, and the marker under its column where it fits."""
    line = [" "] * width
    for i, ch in enumerate(left[:width]):
        line[i] = ch
    start = max(0, width - len(right))
    for i, ch in enumerate(right[: width - start]):
        line[start + i] = ch
    if mcol is not None:
        pos = mcol - len(mark) // 2
        if pos >= len(left) + 1 and pos + len(mark) <= start - 1:
            for i, ch in enumerate(mark):
                line[pos + i] = ch
    return "".join(line).rstrip()


# --------------------------------------------------------------------------
# Tornado bars and the sign map of a two-way sweep

LOW_CHAR = "▒"
HIGH_CHAR = "█"
BASE_CHAR = "│"
LOW_STYLE = "cyan"
HIGH_STYLE = "magenta"
AHEAD_STYLE = "bold white on green"
BEHIND_STYLE = "bold white on red"
ZERO_STYLE = "bold black on yellow"
FLIP_STYLE = "bold yellow"


def tornado_chart(labels, lows, highs, base, *, width=40, fmt=str):
    """Horizontal bars around ``base``: one row per label, largest first as given.

    Parameters
    ----------
    labels : list of str
    lows, highs : list of float
        The result with the input at its low and at its high value.
    base : float
        The result at the file's values; the bars start from it.
    width : int
        Characters of the bar area.
    fmt : callable
        Formats a result for the legend and the row ends.

    Returns
    -------
    rich.text.Text
    """
    from rich.text import Text

    values = [v for v in (*lows, *highs, base) if math.isfinite(v)]
    vmin, vmax = min(values, default=base), max(values, default=base)
    span = vmax - vmin

    def pos(v):
        if not math.isfinite(v) or span <= 0:
            return None
        return int(round((v - vmin) / span * (width - 1)))

    pb = pos(base)
    if pb is None:
        pb = width // 2
    label_w = max((len(s) for s in labels), default=0)
    out = Text()
    out.append(f"{'':{label_w}}  {fmt(vmin)}", style="dim")
    right = fmt(vmax)
    gap = width - len(fmt(vmin)) - len(right)
    out.append(" " * max(1, gap) + right + "\n", style="dim")
    for label, lo, hi in zip(labels, lows, highs, strict=True):
        cells = [(" ", "")] * width
        bars = [(pos(lo), LOW_CHAR, LOW_STYLE), (pos(hi), HIGH_CHAR, HIGH_STYLE)]
        bars.sort(key=lambda b: -abs((b[0] if b[0] is not None else pb) - pb))
        for p, ch, style in bars:
            if p is None or p == pb:
                continue
            a, b = (p, pb - 1) if p < pb else (pb + 1, p)
            for i in range(a, b + 1):
                cells[i] = (ch, style)
        cells[pb] = (BASE_CHAR, "bold")
        out.append(f"{label:<{label_w}}  ")
        for ch, style in cells:
            out.append(ch, style=style or None)
        out.append(f"  {fmt(lo)} / {fmt(hi)}\n")
    out.append(
        f"{'':{label_w}}  {BASE_CHAR} base {fmt(base)}   ",
        style="dim",
    )
    out.append(LOW_CHAR, style=LOW_STYLE)
    out.append(" input at its low value   ", style="dim")
    out.append(HIGH_CHAR, style=HIGH_STYLE)
    out.append(" input at its high value; numbers: at low / at high\n", style="dim")
    return out


def sign_grid(
    signs,
    row_labels,
    *,
    row_title,
    col_title,
    col_first,
    col_last,
    ahead,
    behind,
    width=100,
    max_rows=60,
):
    """A map of signs: rows one parameter, columns the other.

    Parameters
    ----------
    signs : ndarray (R, C)
        -1, 0, +1 (NaN: unknown) for every point of the grid.
    row_labels : list of str
        One label per row.
    row_title, col_title : str
        The two parameters' names.
    col_first, col_last : str
        The first and last column values, for the header.
    ahead, behind : str
        Words of the legend for + and -.
    width : int
        The terminal width; columns beyond it are sampled evenly.
    max_rows : int
        Rows beyond this are sampled evenly.

    Returns
    -------
    rich.text.Text
        ``+`` where the option is ahead (green), ``-`` where it is behind
        (red), ``0`` where the two are equal; ``|`` between two neighbours
        of a row whose signs differ, so that the break-even frontier shows
        as a line of ``|`` even without colour.
    """
    import numpy as np
    from rich.text import Text

    signs = np.asarray(signs, dtype=float)
    R, C = signs.shape
    label_w = max([len(row_title)] + [len(s) for s in row_labels])
    max_cols = max(10, (width - label_w - 3) // 2)
    rows = _sample(R, max_rows)
    cols = _sample(C, max_cols)
    grid = signs[np.ix_(rows, cols)]
    out = Text()
    out.append(f"{row_title:>{label_w}}  {col_title}: {col_first} → {col_last}")
    sampled = []
    if len(rows) < R:
        sampled.append(f"{len(rows)} of {R} rows")
    if len(cols) < C:
        sampled.append(f"{len(cols)} of {C} columns")
    if sampled:
        out.append(f" ({', '.join(sampled)} shown, evenly spaced)", style="dim")
    out.append("\n")
    glyph = {1.0: ("+", AHEAD_STYLE), -1.0: ("-", BEHIND_STYLE), 0.0: ("0", ZERO_STYLE)}
    for i, r in enumerate(rows):
        out.append(f"{row_labels[r]:>{label_w}}  ")
        line = grid[i]
        for j, s in enumerate(line):
            ch, style = glyph.get(float(s), ("?", "dim"))
            out.append(ch, style=style)
            if j + 1 < line.size:
                nxt = line[j + 1]
                flip = s != nxt and not (math.isnan(s) or math.isnan(nxt))
                out.append("|" if flip else " ", style=FLIP_STYLE if flip else None)
        out.append("\n")
    out.append(f"{'':{label_w}}  ")
    out.append("+", style=AHEAD_STYLE)
    out.append(f" {ahead}   ")
    out.append("-", style=BEHIND_STYLE)
    out.append(f" {behind}   ")
    out.append("|", style=FLIP_STYLE)
    out.append(" break-even between two neighbours\n")
    return out


def _sample(n, most):
    """Indices of at most ``most`` evenly spaced items of ``n``, first and last included."""
    import numpy as np

    if n <= most:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, most)).astype(int))


# --------------------------------------------------------------------------
# Lines over the years

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
