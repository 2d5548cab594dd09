"""Sessions that expire, CSRF tokens, lock-out after repeated failed logins, and the security headers.

Why here and in memory: a session lives as long as the ``himozuke serve`` process (a restart logs everyone out,
which is the safe side); the store's audit trail records each failed login (:func:`himozuke.cases.users.login`)
and each refusal while locked.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from himozuke.cases.users import User

#: An idle session ends after this many seconds (a terminal left open does not stay logged in).
SESSION_IDLE_SECONDS = 30 * 60
#: Failed logins of one user name within LOCK_WINDOW seconds that lock it for LOCK_SECONDS.
MAX_FAILURES = 5
LOCK_WINDOW = 15 * 60
LOCK_SECONDS = 15 * 60
COOKIE = "himozuke_session"

#: Every response: no inline script (CSP), no framing, no sniffing, no referrer.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass
class Session:
    id: str
    csrf: str
    user: User | None = None
    touched: float = field(default_factory=time.monotonic)
    #: A full number the user just revealed (shown once, on the next page of that case).
    flash: list[str] = field(default_factory=list)


class Sessions:
    def __init__(self, idle: float = SESSION_IDLE_SECONDS, clock=time.monotonic) -> None:
        self.idle = idle
        self.clock = clock  #: tests move it instead of sleeping
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, user: User | None = None) -> Session:
        s = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, self.clock())
        with self._lock:
            self._by_id[s.id] = s
        return s

    def get(self, sid: str | None) -> Session | None:
        """The live session of ``sid``; an idle one has expired and is gone."""
        if not sid:
            return None
        now = self.clock()
        with self._lock:
            s = self._by_id.get(sid)
            if s is None:
                return None
            if now - s.touched > self.idle:
                del self._by_id[sid]
                return None
            s.touched = now
            return s

    def end(self, sid: str) -> None:
        with self._lock:
            self._by_id.pop(sid, None)

    def login(self, old: Session, user: User) -> Session:
        """A new session id and CSRF token at login (no fixation)."""
        self.end(old.id)
        return self.new(user)


class LockOut:
    """Per user name: MAX_FAILURES failed logins within LOCK_WINDOW lock it for LOCK_SECONDS."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = LOCK_WINDOW,
                 seconds: float = LOCK_SECONDS) -> None:
        self.max_failures, self.window, self.seconds = max_failures, window, seconds
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked(self, name: str) -> bool:
        with self._lock:
            return self._locked_until.get(name, 0.0) > time.monotonic()

    def failed(self, name: str) -> bool:
        """Count a failure; True when it locks the name."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(name, []) if now - t < self.window] + [now]
            self._failures[name] = recent
            if len(recent) >= self.max_failures:
                self._locked_until[name] = now + self.seconds
                self._failures[name] = []
                return True
            return False

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
