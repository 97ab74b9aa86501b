"""When the database is out of reach: a 503 page that needs no database, and one log line per kind
of failure a minute instead of a traceback (and an e-mail to the admins) per request."""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 10
LOG_EVERY_SECONDS = 60


def database_unavailable(error: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached (or gave up on a query), rather than a bug."""
    return isinstance(error, OperationalError | InterfaceError)


def failure_class(error: BaseException) -> str:
    cause = error.__cause__ or error
    code = getattr(cause, "pgcode", None)
    return f"{type(cause).__name__}{f' {code}' if code else ''}"


def service_unavailable() -> HttpResponse:
    # No request in the context: the page must not look up the session or the user.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OneLinePerFailureClass(logging.Filter):
    """On django.request: turns the traceback logged for each request that failed because the
    database is unavailable into one line per kind of failure per minute, with a count of the rest.
    Filtered here, the record never reaches the admins' mail handler either."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._quiet: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or not database_unavailable(error):
            return True
        kind = failure_class(error)
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
                self._quiet[kind] = self._quiet.get(kind, 0) + 1
                return False
            self._last[kind] = now
            quiet = self._quiet.pop(kind, 0)
        message = str(error).strip().splitlines()[0] if str(error).strip() else kind
        record.msg = "Database unavailable (%s): %s; answering 503%s"
        record.args = (kind, message, f" (and {quiet} more like it in the last minute)" if quiet else "")
        record.exc_info, record.exc_text, record.levelno, record.levelname = None, None, logging.WARNING, "WARNING"
        return True


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: a 503 with Retry-After when the database is out of reach, else the 500
    page. Neither touches the database (no request in the template's context)."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable()
    return HttpResponse(render_to_string("500.html"), status=500)
