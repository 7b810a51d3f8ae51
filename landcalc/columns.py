"""Write numpy columns as CSV or as a JSON list of row objects, block by block.

For outputs of millions of rows (a sweep of 10^6 points): rows never exist
as Python objects all at once. Each block of rows is turned into text column
by column, and a column whose values repeat (a grid axis, a payback year, a
metric that depends on one axis only) is formatted once per distinct value
and then indexed, so that the costly float-to-text conversion runs only on
the values that differ. Floats are written with ``repr``, so every value
reads back exactly.
"""

from __future__ import annotations

import json
import sys

import numpy as np

#: Rows per block: about 10 MB of text for 8 columns.
BLOCK_ROWS = 50_000

#: Column kinds: ``float`` (NaN: empty / null), ``int`` (whole numbers; NaN: empty /
#: null), ``str`` (text carried through, quoted where CSV needs it) and ``bool``.
KINDS = ("float", "int", "str", "bool")


def cells(values, kind: str = "float", *, json_style: bool = False) -> np.ndarray:
    """The text of each value, as an object array of str.

    Parameters
    ----------
    values : array_like (N,)
    kind : str
        ``float``: the shortest text that reads back exactly (``repr``); in
        CSV a whole number is written without ``.0``, like ``compare``'s CSV.
        ``int``: whole numbers.
    json_style : bool
        NaN and infinities become ``null`` (else NaN is an empty cell and
        infinities ``inf``/``-inf``).

    Examples
    --------
    >>> cells([0.1, 3e8, float("nan")]).tolist()
    ['0.1', '300000000', '']
    >>> cells([2.0, float("nan")], "int", json_style=True).tolist()
    ['2', 'null']
    """
    if kind == "str":
        texts = ["" if x is None else str(x) for x in values]
        out = np.empty(len(texts), dtype=object)
        if json_style:
            out[:] = [json.dumps(t, ensure_ascii=False) for t in texts]
        elif any(c in "\x00".join(texts) for c in ',"\n\r'):
            out[:] = [_quote(t) for t in texts]
        else:
            out[:] = texts
        return out
    if kind == "bool":
        out = np.empty(len(values), dtype=object)
        out[:] = ["true" if x else "false" for x in np.asarray(values).tolist()]
        return out
    v = np.asarray(values, dtype=float).reshape(-1)
    if kind == "float" and v.size > 256:
        step = max(1, v.size // 4096)
        sample = v[::step]
        if np.unique(sample).size < 0.5 * sample.size:
            uniq, inverse = np.unique(v, return_inverse=True)
            if uniq.size < 0.5 * v.size:
                return _cells(uniq, kind, json_style)[inverse.reshape(-1)]
    return _cells(v, kind, json_style)


def _cells(v, kind, json_style):
    out = np.empty(v.size, dtype=object)
    finite = np.isfinite(v)
    every = bool(finite.all())
    part = v if every else v[finite]
    if kind == "int":
        text = list(map(str, part.astype(np.int64).tolist()))
    else:
        text = list(map(repr, part.tolist()))
    if every:
        out[:] = text
    else:
        out[finite] = text
        nan = np.isnan(v)
        out[nan] = "null" if json_style else ""
        inf = ~finite & ~nan
        if inf.any():
            out[inf] = "null" if json_style else np.where(v[inf] > 0, "inf", "-inf")
    if kind == "float" and not json_style:
        whole = finite & (np.abs(v) < 1e16)
        whole[whole] = v[whole] == np.trunc(v[whole])
        if whole.any():
            out[whole] = list(map(str, v[whole].astype(np.int64).tolist()))
    return out


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_rows(columns, kinds=None) -> str:
    """CSV lines (no header) of equal-length columns, each line ending with a newline."""
    kinds = list(kinds or ["float"] * len(columns))
    texts = [cells(col, kind).tolist() for col, kind in zip(columns, kinds, strict=True)]
    if not texts or not texts[0]:
        return ""
    return "\n".join(map(",".join, zip(*texts, strict=True))) + "\n"


def write_rows(fh, names, columns, kinds=None, fmt="csv", block=BLOCK_ROWS, wrap=None) -> None:
    """Write equal-length columns to the text file ``fh`` as CSV or JSON.

    Parameters
    ----------
    fh : text file
    names : list of str
        The CSV header, or the keys of each JSON row object.
    columns : list of ndarray (N,)
    kinds : list of str, optional
        One of :data:`KINDS` per column (default ``float``).
    fmt : str
        ``csv`` (a header, then one line per row) or ``json`` (a list of row
        objects keyed by ``names``; NaN is ``null``).
    block : int
        Rows formatted at a time.
    wrap : (str, str), optional
        For JSON: text before and after the list (to embed it in an object).
    """
    kinds = list(kinds or ["float"] * len(columns))
    n = len(columns[0]) if columns else 0
    as_json = fmt == "json"
    before, after = wrap or ("", "\n")
    if as_json:
        keys = [json.dumps(str(k), ensure_ascii=False) + ": " for k in names]
        fh.write(before + "[")
    else:
        fh.write(",".join(_quote(str(k)) for k in names) + "\n")
    for start in range(0, n, block):
        stop = min(n, start + block)
        texts = [
            cells(col[start:stop], kind, json_style=as_json)
            for col, kind in zip(columns, kinds, strict=True)
        ]
        if as_json:
            pairs = [map(k.__add__, t.tolist()) for k, t in zip(keys, texts, strict=True)]
            body = "},\n  {".join(map(", ".join, zip(*pairs, strict=True)))
            fh.write(("\n  {" if start == 0 else ",\n  {") + body + "}")
        else:
            fh.write("\n".join(map(",".join, zip(*[t.tolist() for t in texts], strict=True))))
            fh.write("\n")
    if as_json:
        fh.write(("\n]" if n else "]") + after)


def emit_rows(output, names, columns, kinds=None, fmt="csv", wrap=None) -> None:
    """:func:`write_rows` to stdout, or atomically to the file ``output``.

    A file is written under a temporary name in the same folder and renamed
    when complete; an error or Ctrl-C removes it and leaves ``output`` as it
    was.
    """
    if output in (None, "-"):
        write_rows(sys.stdout, names, columns, kinds, fmt, wrap=wrap)
        sys.stdout.flush()
        return
    import os
    from pathlib import Path

    from landcalc.output import atomic_path, is_special

    with atomic_path(output) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        write_rows(fh, names, columns, kinds, fmt, wrap=wrap)
        fh.flush()
        if not is_special(Path(tmp)):
            os.fsync(fh.fileno())
