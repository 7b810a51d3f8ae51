"""Text charts for the terminal that any command can reuse.

Plain text (Unicode block characters), so a chart reads the same in a
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
