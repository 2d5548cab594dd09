"""The inquiry round trip: ``himozuke profiles``, ``profile check``, ``extract merge``, ``validate``,
``jlis request`` / ``jlis simulate`` (issue 3). Commands register themselves on ``app`` on import."""

from __future__ import annotations
