"""`python -m obligations`: the command, then a quick exit.

Run as the program itself, it ends with os._exit once the command is done, its atexit handlers
have run and its output is flushed: tearing down the interpreter's modules costs 70-90 ms here,
mostly pymupdf's bindings (`import pymupdf` then a normal exit: 0.13-0.28 s; then os._exit:
0.10 s), which a one-file run, and every shard of a batch, would otherwise pay at its end.
Run any other way (runpy from a test, another thread still running), it exits as usual.
"""

import sys

from .cli import main


def entry() -> None:
    """The command as a console script would run it (`obligations = "obligations.__main__:entry"`
    gives the installed command the same quick exit)."""
    _run(program=True)


def _run(program: bool) -> None:
    try:
        main(prog_name="obligations")
    except SystemExit as exc:
        if program:
            _exit_quickly(exc.code)
        raise


def _exit_quickly(code) -> None:
    import atexit
    import os
    import threading

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if run_exit_functions is None or others:
        return
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)  # as sys.exit("message") does
        code = 1
    run_exit_functions()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the interpreter report it as usual
        return
    os._exit(code)


if __name__ == "__main__":
    # `python -m obligations`, or runpy.run_module from a test: only the first is the program.
    _run(program=getattr(sys.modules.get("__main__"), "__dict__", None) is globals())
