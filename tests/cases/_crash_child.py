"""Child of the crash test: imports and transitions on a store until it is killed.

Prints one line per committed change (after the commit, flushed): the parent may kill it at any moment and then
checks that every acknowledged change is in the store. Imports no Polars, so it starts in milliseconds.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from himozuke.cases.store import import_rows, open_store
from himozuke.cases.workflow import Action, act

PLAN = {
    "未着手": ("tanaka", Action.SUPPRESS, {"範囲": "①"}),
    "自動応答不可設定済": ("tanaka", Action.CONTACT, {"方法": "電話", "日付": "2023-11-01", "結果": "応答なし"}),
    "本人確認中": ("tanaka", Action.RESULT, {"確認結果": "別人のもの", "閲覧": "無", "情報連携": "無"}),
    "確認結果記録済": ("tanaka", Action.PROPOSE, {"分岐": "④"}),
    "承認待ち": ("suzuki", Action.APPROVE, {}),
    "修正済": ("tanaka", Action.RELEASE, {}),
    "自動応答不可設定解除済": ("tanaka", Action.CLOSE, {}),
}


def main() -> None:
    db, data, seed = sys.argv[1:4]
    passphrase, password = os.environ["HIMOZUKE_PASSPHRASE"], os.environ["HIMOZUKE_PASSWORD"]
    spec = json.loads(Path(data).read_text(encoding="utf-8"))
    rng = random.Random(int(seed))
    with open_store(db, passphrase) as store:
        users = {n: store.login(n, password) for n in ("tanaka", "suzuki")}
        if int(seed) % 4 == 0:  # a quarter load the column names (and Polars) first, so imports die mid-commit too
            import himozuke.formats.columns  # noqa: F401
        print("READY", flush=True)
        n = 0
        while True:
            n += 1
            open_cases = store.query("SELECT id, state FROM cases WHERE state != '完了' ORDER BY random() LIMIT 1")
            if rng.random() < 0.2 or not open_cases:
                sha = f"{int(seed):010d}{n:06d}".ljust(64, "0")
                identity = spec["identity"] | {"inputs_sha256": sha}
                run_id = import_rows(store, spec["rows"], identity, actor=users["tanaka"],
                                     result_columns=spec["columns"])
                print(f"IMPORT {sha} {run_id}", flush=True)
            else:
                case_id, state = open_cases[0]
                who, action, fields = PLAN[state]
                out = act(store, users[who], case_id, action, **fields)
                seq = store.query("SELECT max(seq) FROM audit")[0][0]
                print(f"ACT {case_id} {out.action} {out.to_state} {seq}", flush=True)


if __name__ == "__main__":
    main()
