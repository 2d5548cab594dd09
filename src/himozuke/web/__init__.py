"""The local browser UI (``himozuke serve``): server-rendered pages over the library; nothing imports it.

Modules: :mod:`~himozuke.web.app` (routes, thin handlers), :mod:`~himozuke.web.security` (sessions, CSRF,
lock-out, headers), :mod:`~himozuke.web.runs` (check runs in the background with their progress),
:mod:`~himozuke.web.explain` (the two sides of a case character by character, with the text modules' steps).
htmx is vendored in ``static/`` (0BSD): no CDN, no external font or script.
"""
