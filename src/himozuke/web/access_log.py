"""What the server logs, with no My Number in it.

uvicorn's access log writes the request line — path *and query string* — of every request
(``127.0.0.1:5000 - "POST /api/v1/verify?個人番号=… HTTP/1.1" 200``); its error log writes exception messages
and tracebacks. The API takes the number in the JSON body, which no log shows, but a client that puts it in the
query string (or a path) must not leak it either. :class:`Redact` sits on both loggers: the query string is
replaced by ``?…`` and any run of 8 or more digits left anywhere in a message is masked
(:func:`himozuke.mynumber.mask`: a 12-digit one keeps its first and last 4, any other length becomes stars — a
mistyped number with a digit too many or too few is nearly the whole number too).
"""

from __future__ import annotations

import logging
import re

from himozuke import mynumber

LOGGERS = ("uvicorn.access", "uvicorn.error")
#: 8 or more digits (ASCII or full-width: ``\d`` is Unicode) in a run, each optionally followed by one space or
#: hyphen (``1234 5678 9018``, ``1234-5678-9018``).
_NUMBER = re.compile(r"(?<!\d)(?:\d[ \-]?){7,}\d(?!\d)")
_QUERY = re.compile(r"\?[^\s\"]*")


def redact(text: str) -> str:
    """``text`` without a query string and with every 12-digit run masked.

    >>> redact('"POST /api/v1/verify?n=123456789018 HTTP/1.1" 200')
    '"POST /api/v1/verify?… HTTP/1.1" 200'
    >>> redact("ValueError: 1234-5678-9018")
    'ValueError: 1234 **** 9018'
    >>> redact("GET /x/12345678901 HTTP/1.1")
    'GET /x/*********** HTTP/1.1'
    """
    text = _QUERY.sub("?…", text)
    return _NUMBER.sub(lambda m: mynumber.mask(re.sub(r"[ \-]", "", m.group())), text)


class Redact(logging.Filter):
    """Rewrites each record's message (and its traceback text) through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):  # each argument on its own: uvicorn's access formatter unpacks them
            record.msg = redact(str(record.msg))
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        else:
            try:
                message = record.getMessage()
            except Exception:  # a malformed record: keep nothing of its arguments
                message = str(record.msg)
            record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = Redact()


def install() -> None:
    """Put the filter on uvicorn's loggers (idempotent; after uvicorn configured its logging)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
