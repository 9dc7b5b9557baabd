"""Errors a user can cause or fix, each with its documented exit code.

Exit codes: 0 ok, 1 some files failed, 2 usage, 3 missing dependency.
"""

EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_MISSING_DEPENDENCY = 3


class ObligationsError(Exception):
    """A failure explained in one line; `exit_code` says what kind."""

    exit_code = EXIT_FILES_FAILED

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(ObligationsError):
    """One input file cannot be processed (the batch goes on)."""


class UsageError(ObligationsError):
    exit_code = EXIT_USAGE


class MissingDependency(ObligationsError):
    exit_code = EXIT_MISSING_DEPENDENCY
