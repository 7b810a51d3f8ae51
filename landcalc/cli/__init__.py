"""The ``landcalc`` command line: a thin layer that parses, calls and renders.

Commands live in small modules that import numpy and rich only inside the
command, and the group loads a command's module only when it is used (or
when ``--help`` lists it), so that ``landcalc --help`` is instant.
"""

from __future__ import annotations

import importlib
import sys

import click

from landcalc import __version__

#: command name -> "module:function", in the order ``--help`` lists them.
COMMANDS = {
    "compare": "landcalc.cli.core:compare",
    "cashflows": "landcalc.cli.core:cashflows",
    "validate": "landcalc.cli.core:validate",
    "new": "landcalc.cli.core:new",
    "sweep": "landcalc.cli.whatif:sweep",
    "tornado": "landcalc.cli.whatif:tornado",
    "breakeven": "landcalc.cli.whatif:breakeven",
    "evaluate": "landcalc.cli.landbook:evaluate",
    "portfolio": "landcalc.cli.landbook:portfolio",
    "simulate": "landcalc.cli.simulate:simulate",
}

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, cmd_name):
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name is not None and name not in COMMANDS and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise click.UsageError(f"no such command '{name}'{hint}", ctx)
        return super().resolve_command(ctx, args)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="landcalc")
@click.option(
    "--debug", is_flag=True, expose_value=False, help="Show the full traceback of any error."
)
def cli():
    """Rooster or hen? Sell a plot once, or collect its taxes for decades.

    landcalc compares the options of a scenario file (TOML): NPV of each
    option, the difference against the baseline, the payback year and the
    break-even discount rate.

    \b
    Examples:
      landcalc new my-plot.toml
      landcalc compare scenarios/songjiang-2016.toml
      landcalc compare scenarios/songjiang-2016.toml --set discount.rate=0.06 -o out.json
      landcalc cashflows scenarios/songjiang-2016.toml -o schedule.csv
    """


def _debug_requested(argv) -> bool:
    return "--debug" in argv


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` runs."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv=None) -> None:
    """Entry point: run the CLI; bad input ends with one ``error:`` line and exit status 2.

    Ctrl-C exits with status 130 and SIGTERM with 143; either way any output
    file being written is removed before exit (see landcalc.output).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(argv)
    import signal
    import threading

    from landcalc.errors import LandcalcError

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
        # Ctrl-C raises KeyboardInterrupt even when started from a shell that ignores it
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = cli.main(args=argv, prog_name="landcalc", standalone_mode=False)
    except LandcalcError as exc:
        if debug:
            raise
        _error(str(exc))
        code = exc.exit_code
    except click.exceptions.Abort:
        _error("interrupted")
        code = 130
    except click.UsageError as exc:
        if debug:
            raise
        msg = exc.format_message()
        cmd = exc.ctx.command_path if exc.ctx is not None else "landcalc"
        _error(f"{msg} (see '{cmd} --help')")
        code = 2
    except click.ClickException as exc:
        if debug:
            raise
        _error(exc.format_message())
        code = exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted")
        code = 130
    except Terminated:
        _error("terminated")
        code = 143
    except BrokenPipeError:
        code = 0
        _silence_stdout()
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def _error(message: str) -> None:
    from landcalc.errors import one_line

    text = one_line(str(message))
    sys.stderr.write(f"error: {text}\n")
    sys.stderr.flush()


def _silence_stdout():
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
