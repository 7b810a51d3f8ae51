"""Write large tables of numpy columns as CSV, block by block.

Rows are never held as Python objects all at once: each block of rows is
formatted column by column (floats with ``repr``, so that every value
reads back exactly) and written before the next is made.
"""

from __future__ import annotations

import math

import numpy as np

BLOCK = 1 << 16


def _cells(values, kind):
    """Text of one block of one column."""
    if kind == "str":
        texts = ["" if v is None else str(v) for v in values]
        joined = "\x00".join(texts)
        if any(c in joined for c in ',"\n\r'):
            return [_quote(t) for t in texts]
        return texts
    arr = np.asarray(values)
    if kind == "bool":
        return ["true" if v else "false" for v in arr.tolist()]
    arr = arr.astype(float)
    nan = np.isnan(arr)
    if kind == "int":
        texts = list(map(str, np.where(nan, 0, arr).astype(np.int64).tolist()))
    else:
        texts = [r[:-2] if r.endswith(".0") else r for r in map(repr, arr.tolist())]
    if nan.any():
        for i in np.flatnonzero(nan).tolist():
            texts[i] = ""
    return texts


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(fh, header, columns, kinds, n, block=BLOCK, progress=None) -> None:
    """Write ``n`` rows of ``columns`` under ``header`` to the text file ``fh``.

    Parameters
    ----------
    header : list of str
    columns : list of array_like, each of length n (or a scalar for a constant column)
    kinds : list of str
        ``float`` (repr; NaN as an empty cell), ``int`` (NaN as empty), ``bool``
        or ``str`` (quoted where needed).
    progress : callable, optional
        Called with the number of rows written after each block.
    """
    fh.write(",".join(_quote(h) for h in header) + "\n")
    for start in range(0, n, block):
        stop = min(n, start + block)
        cols = []
        for col, kind in zip(columns, kinds, strict=True):
            if np.ndim(col) == 0 and not isinstance(col, list | tuple):
                cols.append(_cells([col] * (stop - start), kind))
            else:
                cols.append(_cells(col[start:stop], kind))
        fh.write("\n".join(map(",".join, zip(*cols, strict=True))))
        fh.write("\n")
        if progress is not None:
            progress(stop)


def write_json_rows(fh, header, columns, kinds, n, block=BLOCK, prefix="[", suffix="]\n"):
    """Write ``n`` rows as a JSON list of objects (NaN as null), block by block."""
    import json

    keys = [json.dumps(h, ensure_ascii=False) for h in header]
    fh.write(prefix)
    first = True
    for start in range(0, n, block):
        stop = min(n, start + block)
        cols = []
        for col, kind in zip(columns, kinds, strict=True):
            part = col[start:stop] if np.ndim(col) else [col] * (stop - start)
            cols.append(_json_cells(part, kind))
        rows = (
            "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, cells, strict=True)) + "}"
            for cells in zip(*cols, strict=True)
        )
        text = ",\n ".join(rows)
        if text:
            fh.write(("\n " if first else ",\n ") + text)
            first = False
    fh.write(("\n" if not first else "") + suffix)


def _json_cells(values, kind):
    import json

    if kind == "str":
        return [json.dumps("" if v is None else str(v), ensure_ascii=False) for v in values]
    arr = np.asarray(values)
    if kind == "int":
        return ["null" if (isinstance(v, float) and v != v) else str(int(v)) for v in arr.tolist()]
    if kind == "bool":
        return ["true" if v else "false" for v in arr.tolist()]
    return [
        "null" if (v != v or v in (math.inf, -math.inf)) else repr(v)
        for v in arr.astype(float).tolist()
    ]
