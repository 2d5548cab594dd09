"""#19 part 2: what uvicorn logs passes :class:`himozuke.web.access_log.Redact` — no query string, no number."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from himozuke.web.access_log import Redact

NUMBER = "205878835680"


def _record(msg, args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, msg, args, exc_info)


def test_the_access_line_keeps_uvicorns_format_without_query_or_number():
    record = _record('%s - "%s %s HTTP/%s" %d',
                     ("127.0.0.1:5000", "POST", f"/api/v1/verify/{NUMBER}?n={NUMBER}", "1.1", 200))
    assert Redact().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert line == '127.0.0.1:5000 - "POST /api/v1/verify/2058 **** 5680?… HTTP/1.1" 200 OK'


def test_an_exception_message_in_the_error_log_is_masked():
    try:
        raise ValueError(f"could not parse {NUMBER[:4]}-{NUMBER[4:8]}-{NUMBER[8:]} / ２０５８７８８３５６８０")
    except ValueError:
        import sys

        record = _record("verify failed for %s", (NUMBER,), sys.exc_info())
    Redact().filter(record)
    text = logging.Formatter().format(record)
    assert NUMBER not in text and NUMBER[4:8] not in text and "８８３５" not in text
    assert "verify failed for 2058 **** 5680" in text and "ValueError" in text
