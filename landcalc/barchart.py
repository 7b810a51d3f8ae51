"""Small text charts for the terminal: tornado bars and a sign map of a two-way sweep.

Each function returns a :class:`rich.text.Text`, so that colours show on a
terminal and vanish (leaving the characters) in a file or a pipe. The
characters alone carry the meaning: ``▒`` and ``█`` tell the two ends of a
tornado bar apart, ``+`` and ``-`` the two signs of a sweep.
"""

from __future__ import annotations

import math

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
