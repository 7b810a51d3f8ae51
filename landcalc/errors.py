"""One exception hierarchy for landcalc.

Every error a user can cause by bad input is a :class:`LandcalcError`; the
command line turns it into one line on stderr, ``error: ...``, and exit status 2.
"""

from __future__ import annotations

import re

#: Characters that would break a one-line message or act on a terminal:
#: control characters and the Unicode line and paragraph separators.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with control characters escaped as Python writes them (``\\n``, ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


class LandcalcError(Exception):
    """Root of every landcalc error caused by input (exit status 2 on the CLI).

    Its text is always one printable line: names and values taken from the
    input show their control characters escaped.
    """

    exit_code = 2

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(LandcalcError):
    """Bad input that is not inside a scenario file: an option's text, a CSV cell."""


class ScenarioError(LandcalcError):
    """A scenario file (or an override of one of its values) is not valid.

    Parameters
    ----------
    message : str
        What is wrong, in words.
    source : str, optional
        The file name (or ``--set``) that the value came from.
    path : str, optional
        The parameter path, e.g. ``hen.tax.hazard``.
    value : object, optional
        The offending value, shown as ``path = value``.
    line : int, optional
        The TOML line number where the key stands.
    hint : str, optional
        A suggestion, e.g. ``did you mean 'hazard'?``.
    """

    _MISSING = object()

    def __init__(self, message, *, source=None, path=None, value=_MISSING, line=None, hint=None):
        self.message = message
        self.source = source
        self.path = path
        self.value = value
        self.line = line
        self.hint = hint
        super().__init__(self.format())

    @property
    def has_value(self):
        return self.value is not self._MISSING

    def format(self):
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.path is not None:
            if self.has_value:
                parts.append(f"{self.path} = {format_value(self.value)}")
            else:
                parts.append(self.path)
        parts.append(self.message)
        text = ": ".join(parts)
        if self.hint:
            text += f"; {self.hint}"
        if self.line is not None:
            text += f" (line {self.line})"
        return text

    def with_context(self, *, source=None, line=None):
        """A copy with ``source``/``line`` filled in where they are missing."""
        return ScenarioError(
            self.message,
            source=self.source or source,
            path=self.path,
            value=self.value,
            line=self.line if self.line is not None else line,
            hint=self.hint,
        )


def format_value(value):
    """Show a value as it would be written in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return str(value)


def did_you_mean(word, choices):
    """``"did you mean 'x'?"`` for the closest of ``choices``, or None."""
    import difflib

    word = str(word)
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean '{close[0]}'?" if close else None
