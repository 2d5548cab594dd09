"""The local browser UI (``himozuke serve``): server-rendered pages over the library; nothing imports it.

Modules: :mod:`~himozuke.web.app` (routes, thin handlers), :mod:`~himozuke.web.security` (sessions, CSRF,
lock-out, headers), :mod:`~himozuke.web.runs` (check runs in the background with their progress),
:mod:`~himozuke.web.explain` (the two sides of a case character by character, with the text modules' steps),
:mod:`~himozuke.web.api` (``POST /api/v1/verify`` for business systems) with :mod:`~himozuke.web.api_guard`
(tokens, rate limit, grouped audit writes) and :mod:`~himozuke.web.access_log` (no number in the server's logs).
htmx is vendored in ``static/`` (0BSD): no CDN, no external font or script.
"""
