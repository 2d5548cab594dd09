"""The follow-up case store: every B / C / E row of a check becomes a case an officer works to its end.

Modules: :mod:`~himozuke.cases.store` (encrypted SQLCipher store, key handling, import),
:mod:`~himozuke.cases.users` (roles, passwords, login), :mod:`~himozuke.cases.workflow` (the state machine and
four-eyes), :mod:`~himozuke.cases.views` (masked / DV-hidden views, reveal), :mod:`~himozuke.cases.audit`
(hash-chained trail), :mod:`~himozuke.cases.retention` (purge, expiry, destroy) and
:mod:`~himozuke.cases.progress` (定期報告 figures). See ``docs/cases.md``.

Names are re-exported lazily: opening a store and acting on a case must not pay for importing Polars.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CaseStore": "store", "open_store": "store", "passphrase_from": "store", "import_result": "store",
    "User": "users", "Role": "users", "add_user": "users",
    "State": "workflow", "Action": "workflow", "act": "workflow", "approve": "workflow",
    "set_final_approval": "workflow", "TRANSITIONS": "workflow",
    "list_cases": "views", "show_case": "views", "export_cases": "views", "reveal_number": "views",
    "verify": "audit",
    "purge": "retention", "expired": "retention", "destroy_store": "retention",
    "progress_rows": "progress",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"himozuke.cases.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = sorted(_EXPORTS)
