"""Errors a user can cause or fix, each with its documented exit code.

Exit codes: 0 ok, 1 some inputs failed, 2 usage, 3 missing dependency, 4 nothing found in any
input, 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_MISSING_DEPENDENCY = 3
EXIT_NOTHING_FOUND = 4
EXIT_INTERRUPTED = 128 + 2  # as a shell reports a process ended by SIGINT
EXIT_TERMINATED = 128 + 15  # SIGTERM


class ObligationsError(Exception):
    """A failure explained in one line; `exit_code` says what kind."""

    exit_code = EXIT_FILES_FAILED

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.reason = reason or message  # the message without the file it concerns


class InputError(ObligationsError):
    """One input file cannot be processed (the batch goes on)."""


class UsageError(ObligationsError):
    exit_code = EXIT_USAGE


class MissingDependency(ObligationsError):
    exit_code = EXIT_MISSING_DEPENDENCY


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as SIGINT raises KeyboardInterrupt."""
