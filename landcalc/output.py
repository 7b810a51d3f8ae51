"""Writing results: to stdout, or atomically to a file.

A file given by ``-o`` is written to a temporary file in the same folder and
renamed over the target only when the whole result is there, so a failed or
interrupted run never leaves a partial file and never destroys an old one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from landcalc.errors import InputError


def check_target(path: str) -> None:
    """Fail early (before any work) when ``-o`` cannot be written."""
    if path in (None, "-"):
        return
    p = Path(path)
    if p.is_dir():
        raise InputError(f"-o {path}: is a folder; give a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"-o {path}: the folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"-o {path}: the folder {str(parent)!r} is not writable")


def is_special(p: Path) -> bool:
    """True for an existing target that is not a regular file (a device, a pipe)."""
    import stat

    try:
        mode = p.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def atomic_path(path: str):
    """Yield a temporary file name next to ``path``; rename it over ``path`` on success.

    On any error, Ctrl-C included, the temporary file is removed and ``path``
    is left as it was. A target that is a device or a pipe (``/dev/stdout``,
    ``/dev/full``) is written directly instead.
    """
    check_target(path)
    p = Path(path)
    if is_special(p):
        # a device or a pipe (/dev/stdout, /dev/null, a FIFO): written in place
        try:
            yield str(p)
        except OSError as exc:
            raise InputError(f"-o {path}: cannot write ({exc.strerror or exc})") from None
        return
    parent = p.parent if str(p.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=parent)
        os.close(fd)
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write ({exc.strerror or exc})") from None
    try:
        yield tmp
        mode = 0o666 & ~_umask()
        if p.exists():
            with contextlib.suppress(OSError):
                mode = p.stat().st_mode & 0o777
        os.chmod(tmp, mode)
        os.replace(tmp, p)
        tmp = None
    except OSError as exc:
        raise InputError(f"-o {path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write(path: str, data: bytes | str) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        if not is_special(Path(tmp)):
            os.fsync(fh.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def emit(text: str, output: str | None) -> None:
    """Write ``text`` to ``output`` (atomically) or, without one, to stdout."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(output, text)
