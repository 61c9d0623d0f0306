"""The ``actuary`` command line."""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import signal
import sys

import click

import actuary
from actuary import __version__
from actuary.cli.gcpause import paused_gc
from actuary.io.arrow import hide_from_pandas
from actuary.io.errors import ActuaryError


# Each command's module, imported only when the command runs (or help lists it): a
# command then pays for its own imports, not for every other command's (`actuary
# valuate` does not load lifelines, the member-data checks or the solvers).
_COMMANDS = {
    "basis": "actuary.cli.basis_cmd",
    "table": "actuary.cli.table_cmd",
    "valuate": "actuary.cli.valuate_cmd",
    "population": "actuary.cli.population_cmd",
    "data": "actuary.cli.data_cmd",
    "experience": "actuary.cli.experience_cmd",
    "compare": "actuary.cli.compare_cmd",
    "solve": "actuary.cli.solve_cmd",
    "value": "actuary.cli.value_cmd",
    "stochastic": "actuary.cli.stochastic_cmd",
    "change": "actuary.cli.change_cmd",
    "verify": "actuary.cli.verify_cmd",
}


#: Commands whose first run compiles the cohort kernel: a worker starts compiling it
#: before the command's modules are imported, even the engine (numba), as
#: :func:`actuary.engine.kernel_types.compile_cohort_early` would (the same worker: see
#: :func:`actuary.engine.ahead.compile_early`); on a warm cache it ends at once. None
#: starts where the kernel was compiled at install (:mod:`actuary.engine.native`).
_COMPILE_EARLY = {"valuate": ("actuary.engine.kernels", "project_kernel",
                              "actuary.engine.kernel_types", "cohort_inputs")}

#: Commands that read no Parquet file: pyarrow is hidden from pandas' import in their
#: process (:mod:`actuary.io.arrow`), which then costs a warm `actuary valuate` 0.05 s
#: less.
_WITHOUT_PYARROW = {"valuate"}


class _Group(click.Group):
    """The command group: loads a command's module on first use, and turns user errors
    (and the system's refusals of the files they name) into a message and exit code 1."""

    def main(self, args=None, prog_name=None, complete_var=None,  # type: ignore[override]
             standalone_mode=True, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit as exc:
            if args is None and standalone_mode:  # the process's command line: see _end
                _EXIT[:] = [exc.code]
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[override]
        # the arguments as given, before parsing: what a --bundle records and re-runs
        words = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["actuary.argv"] = words
        return ctx

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMANDS.get(cmd_name)
        if module is None:
            return None
        if cmd_name in _WITHOUT_PYARROW:
            hide_from_pandas()
        # each module defines a click command named as the command
        with paused_gc():
            return getattr(importlib.import_module(module), cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[override]
        if (args and args[0] in _COMPILE_EARLY and not ctx.resilient_parsing
                and not {"-h", "--help"} & set(args[1:])):
            from actuary.engine.native import installed
            from actuary.io.workers import numba_index_exists, start

            module, name, inputs_module, inputs_name = _COMPILE_EARLY[args[0]]
            if installed(name):  # compiled at install: see compile_cohort_early
                return super().resolve_command(ctx, args)
            # the module's file, found without importing it (nor the engine, nor numba)
            source = os.path.join(os.path.dirname(actuary.__file__),
                                  *module.split(".")[1:]) + ".py"
            if not numba_index_exists(source, name):  # a first run (warm: no worker)
                start(f"{module}.{name}", "actuary.engine.ahead", "_signature_worker",
                      [module, name, inputs_module, inputs_name])
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            return result
        except BrokenPipeError:
            closed_pipe()
        except ActuaryError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            # the system refusing a file the user named (too long a name, no permission,
            # a disk full): its own words, on one line, without a traceback
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)


#: Exit code when the reader of the output went away (``actuary basis show | head``):
#: 128 + SIGPIPE, what a shell reports for a command ended by a closed pipe, as `yes`
#: or `cat` end. Not 0: the output was cut short, so a script with ``pipefail`` sees it.
CLOSED_PIPE_EXIT = 128 + signal.SIGPIPE


def closed_pipe() -> None:
    """End quietly because the reader closed the pipe: no message (stdout is gone and
    the user stopped reading on purpose), no traceback, exit :data:`CLOSED_PIPE_EXIT`.
    stdout is pointed at the null device first, so Python's last flush at exit does
    not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured output)
        pass
    sys.exit(CLOSED_PIPE_EXIT)


def stop_on_terminate() -> None:
    """Make SIGTERM end the command as Ctrl-C does: through Python's clean-up (a
    temporary ``.partial`` output is removed), not at once with the files as they are."""
    def _stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _stop)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="actuary")
def main() -> None:
    """Actuarial valuation of Cambodia's contributory pension schemes."""
    stop_on_terminate()


#: The exit status of the command run from the process's command line (``main()``
#: without arguments, as the ``actuary`` script calls it), once it has ended.
_EXIT: list = []


def _end() -> None:
    """The last exit handler (registered first; numba, llvmlite and the others run before).

    On the way out Python's finalisation collects the whole heap (numba's type system,
    pandas, openpyxl, the run's frames: measured 0.8 s of a 4 s `actuary valuate`):
    nothing the process still holds needs collecting, so everything is frozen out of
    those collections. After a command run from the command line the interpreter's
    teardown is skipped altogether: it frees the run's objects one by one and the modules'
    dictionaries (0.06-0.08 s after a warm `actuary valuate`), to no end since the process
    ends. Its threads have been joined and every exit handler has run by now, and every
    file the commands write is closed before; what remains is to flush the standard
    streams, as Python's teardown would, and to exit with the command's status. A command
    called in-process (click's test runner, ``main([...])``) leaves the interpreter alone.
    """
    gc.freeze()
    if not _EXIT:
        return
    code = _EXIT[0]
    status = 0 if code is None else code if isinstance(code, int) else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            status = status or 120  # Python's own status when its last flush fails
    os._exit(status & 0xFF)


atexit.register(_end)

if __name__ == "__main__":  # pragma: no cover
    main()
