"""`python -m obligations`: the command, then a quick exit.

Run as the program itself, it ends with os._exit once the command is done, its atexit handlers
have run and its output is flushed: tearing down the interpreter's modules costs 70-90 ms here,
mostly pymupdf's bindings (`import pymupdf` then a normal exit: 0.13-0.28 s; then os._exit:
0.10 s), which a one-file run, and every shard of a batch, would otherwise pay at its end.
Run any other way (runpy from a test, another thread still running), it exits as usual.
"""

import sys

from .cli import main


def _exit_quickly(code) -> None:
    import atexit
    import os
    import threading

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    program = getattr(sys.modules.get("__main__"), "__dict__", None) is globals()  # not runpy.run_module's copy
    if not program or run_exit_functions is None or others:
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


try:
    main(prog_name="obligations")
except SystemExit as exc:
    _exit_quickly(exc.code)
    raise
