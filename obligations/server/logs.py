"""Logging for `obligations serve`: one format for uvicorn's and our records, each record with
the id of the request it belongs to ("-" outside one), and an access log of our own (one line a
request: client, method, path, status, milliseconds, request id)."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("obligations.access")
log = logging.getLogger("obligations.server")

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LEVELS = ("critical", "error", "warning", "info", "debug")
_SANE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")


def new_request_id(given: str | None) -> str:
    """The client's X-Request-ID when it is a sane token (a proxy's id ties its logs to ours), else a new one."""
    if given and _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex[:16]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


def logging_config(level: str = "info") -> dict:
    """A dictConfig for uvicorn.run(log_config=...): uvicorn's loggers and ours to stderr."""
    level = level.upper()
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain",
               "filters": ["request_id"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"plain": {"format": FORMAT}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "obligations": {"handlers": ["stderr"], "level": level, "propagate": False},
        },
    }
