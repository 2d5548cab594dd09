"""``himozuke verify`` — one record checked at data entry (:func:`himozuke.verify`), JSON out on stdout."""

from __future__ import annotations

import json
import sys

import typer

from himozuke.cli._app import app
from himozuke.errors import UsageError

#: Keys of the JSON object read from stdin (docs/verify.md).
ENVELOPE = ("business", "registry", "others", "household", "home_prefecture")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise UsageError(f"{option} は 列名=値 で指定してください（指定: {value}）",
                             f"{option} takes COLUMN=VALUE (got {value!r})")
        out[key] = text
    return out


def _read_stdin() -> dict[str, object]:
    if sys.stdin.isatty():
        raise UsageError("記録を JSON で標準入力に渡すか、--field で指定してください",
                         "give the record as JSON on stdin, or with --field")
    text = sys.stdin.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"標準入力の JSON を読めません（{e.lineno} 行 {e.colno} 列: {e.msg}）",
                         f"stdin is not JSON (line {e.lineno} column {e.colno}: {e.msg})", file="<stdin>",
                         line=e.lineno) from None
    if not isinstance(data, dict):
        raise UsageError("標準入力の JSON はオブジェクト（{\"business\": {…}, \"registry\": {…}}）にしてください",
                         "stdin must hold a JSON object", file="<stdin>")
    unknown = [k for k in data if k not in ENVELOPE]
    if unknown:
        raise UsageError(f"標準入力の JSON に知らないキー「{unknown[0]}」があります（使えるキー: {', '.join(ENVELOPE)}）",
                         f"unknown key {unknown[0]!r} in the stdin JSON (known: {', '.join(ENVELOPE)})",
                         file="<stdin>")
    if "business" not in data:
        raise UsageError("標準入力の JSON に business（業務側の記録）がありません",
                         "the stdin JSON has no 'business' record", file="<stdin>")
    for key in ("others", "household"):
        if not isinstance(data.get(key, []), list):
            raise UsageError(f"{key} は記録の配列にしてください", f"{key!r} must be a list of records", file="<stdin>")
    return data


@app.command("verify")
def verify(
    field: list[str] = typer.Option([], "--field", "-f", help="業務側の項目 列名=値（繰り返し可）。例: --field 漢字氏名=山田太郎"),
    registry_field: list[str] = typer.Option([], "--registry-field", "-r",
                                             help="住基側の項目 列名=値（繰り返し可）。なければ住基側になし（E）"),
    home_prefecture: str | None = typer.Option(None, "--home-prefecture",
                                               help="団体の都道府県（府中市など複数の都道府県にある市区町村名のため。"
                                                    "1件では住基側の住所から推定できない）"),
) -> None:
    """1件の記録を照合し、結果を JSON で出力する（判定・理由・優先度・警告）。

    Check one record as `check` checks a row and print the result as JSON on stdout (exit 0). The record
    comes as JSON on stdin — {"business": {...}, "registry": {...} | null, "others": [...],
    "household": [...], "home_prefecture": "..."} — or with --field / --registry-field.

    例 / example:  echo '{"business": {"個人番号": "…", "漢字氏名": "…"}, "registry": null}' | himozuke verify
    例 / example:  himozuke verify -f 個人番号=123456789018 -f 漢字氏名=山田太郎 -r 個人番号=123456789018 -r 漢字氏名=山田太郎
    """
    from himozuke.verification import verify as verify_record

    if field or registry_field:
        data: dict[str, object] = {"business": _pairs(field, "--field"),
                                   "registry": _pairs(registry_field, "--registry-field") or None}
    else:
        data = _read_stdin()
    result = verify_record(data["business"], data.get("registry"), others=data.get("others", []),
                           household=data.get("household", []),
                           home_prefecture=home_prefecture or data.get("home_prefecture"))
    typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
