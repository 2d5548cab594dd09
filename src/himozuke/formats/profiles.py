"""Layout profiles: how a vendor's file maps onto the standard record (manual §7(1)–(2), issue 3).

A profile is a TOML file (documented in docs/formats.md) that says which file format and encoding to expect,
which header (CSV / xlsx) or byte range (fixed-length, cp932 or JIS90) carries each standard column, how codes
map to standard values (性別 ``1`` → ``男``, 和暦 era ``3`` → ``昭和``) and how dates are spelled. It is validated
before the first row is read, and every problem comes back in one :class:`ProfileError`.

>>> p = load_profile("jlis-result-csv")
>>> p.name, p.format, p.encoding, p.role
('jlis-result-csv', 'csv', 'cp932', 'registry')
>>> p.values["性別"]["1"]
'男'
>>> sorted(builtin_profiles())[:3]
['jlis-request', 'jlis-result-csv', 'jlis-result-fixed']
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from himozuke.errors import ProfileError
from himozuke.formats import columns as C
from himozuke.text._address_tables import PREFECTURES

Format = Literal["csv", "fixed"]
_FORMATS = ("csv", "fixed")
_ENCODINGS = {"csv": ("auto", "utf-8", "utf-8-sig", "cp932"), "fixed": ("cp932", "jis90")}
_DATE_FORMATS = ("as-is", "iso", "yyyymmdd", "era-yymmdd", "wareki", "auto")
_NEWLINES = ("crlf", "lf", "none")
_ROLES = ("business", "registry", "request", "any")
_FIELD_KEYS = {"column", "header", "offset", "length", "type", "const", "pad", "passthrough"}
_TOP_KEYS = {"name", "description", "format", "encoding", "role", "assumption", "record_length", "newline",
             "header_line", "header_record", "fields", "values", "dates", "join", "eras", "detect",
             "home_prefecture"}
#: Columns a profile may map besides the standard ones (J-LIS bookkeeping; kept through to the records).
EXTRA_COLUMNS: tuple[str, ...] = ("要求通番", "照会区分", "結果コード", "要求種別", "レコード区分")
KNOWN_COLUMNS: tuple[str, ...] = (*C.STANDARD, *C.OPTIONAL, C.INQUIRY_RESULT, *EXTRA_COLUMNS)
#: Names a passthrough column may not take: the result's own columns and the engine's working columns.
RESERVED_COLUMNS: frozenset[str] = frozenset(
    {C.ROW, C.VERDICT, C.REASONS, C.PRIORITY, "理由説明", *(C.item_verdict(i) for i in C.ITEMS),
     *(c for i in C.ITEMS for c in (C.business(i), C.registry(i)))})
#: Default era codes (ASSUMPTION: 住基 convention 1 明治 … 5 令和); a profile's ``[eras]`` replaces it.
DEFAULT_ERAS: dict[str, str] = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和"}


@dataclass(frozen=True)
class Field:
    """One field of the file, in file order: a CSV column or a byte range of a fixed-length record."""

    column: str | None  # standard / extra column it carries; None = not read (filler, vendor-only data)
    header: str  # header as the file spells it (CSV); a label for fixed-length fields
    offset: int | None = None  # fixed: 0-based byte offset
    length: int | None = None  # fixed: length in bytes
    type: Literal["x", "n"] = "x"  # fixed: x = single-byte (ASCII / cp932), n = two-byte JIS90 text
    const: str | None = None  # writers: a constant value instead of a column
    pad: Literal["right", "zero"] = "right"  # writers (fixed): spaces on the right, or zeros on the left
    #: Carried through to the result under ``column`` and never compared (the business system's own record
    #: key, 受給者番号 …): a case found in the check can be found again in the system it came from.
    passthrough: bool = False


@dataclass(frozen=True)
class Profile:
    """A validated layout profile (see module docstring and docs/formats.md)."""

    name: str
    description: str
    format: Format
    encoding: str
    role: str
    fields: tuple[Field, ...]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    join: dict[str, str] = field(default_factory=dict)
    eras: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ERAS))
    record_length: int | None = None
    newline: str = "crlf"
    header_line: bool = True
    header_record: tuple[str, ...] = ()
    assumption: bool = False
    source: str = ""
    #: The body's 都道府県 (issue #16): settles a 市区町村 name several prefectures have when an address leaves
    #: its own out. A run's --home-prefecture wins over it.
    home_prefecture: str | None = None

    def headers_for(self, column: str) -> tuple[str, ...]:
        """File headers that make up ``column``, in file order (several are joined with ``join``)."""
        return tuple(f.header for f in self.fields if f.column == column and f.const is None)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns this profile maps, in first-appearance order."""
        return tuple(dict.fromkeys(f.column for f in self.fields if f.column))

    @property
    def passthrough_columns(self) -> tuple[str, ...]:
        """Columns carried through to the result: the optional ones of the standard record and the fields marked
        ``passthrough``, in that order."""
        own = [f.column for f in self.fields if f.passthrough and f.column]
        return tuple(dict.fromkeys([c for c in C.OPTIONAL if c in self.columns] + own))

    @property
    def read_headers(self) -> tuple[str, ...]:
        """The headers a CSV must have for this profile."""
        return tuple(f.header for f in self.fields if f.column and f.const is None)


def _profile_dir() -> Path:
    return Path(str(resources.files("himozuke.formats") / "profiles"))


def builtin_profiles() -> dict[str, Path]:
    """Built-in profile names → their TOML files."""
    return {p.stem: p for p in sorted(_profile_dir().glob("*.toml"))}


def load_profile(spec: str | os.PathLike) -> Profile:
    """Load a built-in profile by name, or a TOML file by path; raise :class:`ProfileError` listing every
    problem."""
    builtins = builtin_profiles()
    if isinstance(spec, str) and spec in builtins:
        path = builtins[spec]
    else:
        path = Path(spec)
        if not path.is_file():
            raise ProfileError(f"プロファイル「{spec}」がありません（組込み: {'、'.join(builtins)}）",
                               f"no profile {str(spec)!r} (built-in: {', '.join(builtins)})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ProfileError("TOML として読めません", f"not valid TOML: {e}", file=path.name) from None
    return parse_profile(data, source=path.name)


def _check_fields(raw: object, fmt: str, problems: list[str]) -> tuple[Field, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("[[fields]]: 1つ以上必要です / at least one field is required")
        return ()
    out: list[Field] = []
    for i, f in enumerate(raw, start=1):
        where = f"[[fields]] #{i}"
        if not isinstance(f, dict):
            problems.append(f"{where}: 表ではありません / not a table")
            continue
        for k in sorted(set(f) - _FIELD_KEYS):
            problems.append(f"{where}: 不明なキー「{k}」 / unknown key {k!r}")
        column = f.get("column")
        passthrough = f.get("passthrough", False)
        if not isinstance(passthrough, bool):
            problems.append(f"{where}: passthrough は true か false です / passthrough must be true or false")
            passthrough = False
        if passthrough and (not isinstance(column, str) or column in KNOWN_COLUMNS or column in RESERVED_COLUMNS
                            or not column.strip()):
            problems.append(f"{where}: 持ち回る列「{column}」は標準レコードや結果の列と別の名前にしてください / "
                            f"a passthrough column needs a name of its own (not {column!r})")
        elif column is not None and not passthrough and column not in KNOWN_COLUMNS:
            problems.append(f"{where}: 列「{column}」は標準レコードにありません（業務システムの番号などをそのまま"
                            f"結果に残すなら passthrough = true） / column {column!r} is not a standard column "
                            f"({', '.join(KNOWN_COLUMNS)}); mark it passthrough = true to carry it to the result")
        header = f.get("header", column or "")
        if not isinstance(header, str) or (fmt == "csv" and header == ""):
            problems.append(f"{where}: header が必要です / header is required")
            header = ""
        offset, length = f.get("offset"), f.get("length")
        if fmt == "fixed":
            if not (isinstance(offset, int) and offset >= 0 and isinstance(length, int) and length > 0):
                problems.append(f"{where} {header}: offset（0以上）と length（1以上）が必要です / "
                                "fixed-length fields need offset >= 0 and length >= 1")
                offset, length = 0, 1
            if f.get("type", "x") == "n" and length % 2:
                problems.append(f"{where} {header}: 2バイト項目の length は偶数です / two-byte field length must be even")
        kind = f.get("type", "x")
        if kind not in ("x", "n"):
            problems.append(f"{where} {header}: type は x か n です / type must be 'x' or 'n'")
            kind = "x"
        pad = f.get("pad", "right")
        if pad not in ("right", "zero"):
            problems.append(f"{where} {header}: pad は right か zero です / pad must be 'right' or 'zero'")
            pad = "right"
        const = f.get("const")
        if const is not None and not isinstance(const, str):
            problems.append(f"{where} {header}: const は文字列です / const must be a string")
            const = str(const)
        out.append(Field(column, header, offset, length, kind, const, pad, passthrough))
    headers = [f.header for f in out if f.column and f.const is None]
    for dup in sorted({h for h in headers if headers.count(h) > 1}):
        problems.append(f"[[fields]] {dup}: 同じ header が2回あります / header {dup!r} is used twice")
    return tuple(out)


def _str_table(raw: object, where: str, problems: list[str]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        problems.append(f"{where}: 文字列どうしの表にしてください / must map strings to strings")
        return {}
    return dict(raw)


def parse_profile(data: dict, *, source: str = "<profile>") -> Profile:
    """Validate a profile's TOML data; all problems come back together, sorted, in one :class:`ProfileError`.

    >>> parse_profile({"name": "x", "format": "tsv", "fields": [{"column": "年齢"}]})
    Traceback (most recent call last):
    ...
    himozuke.errors.ProfileError: <profile>: プロファイルに誤りがあります / invalid profile: [[fields]] #1: 列「年齢」は標準レコードにありません（業務システムの番号などをそのまま結果に残すなら passthrough = true） / column '年齢' is not a standard column (個人番号, 漢字氏名, カナ氏名, 生年月日, 性別, 住所, 宛名番号, 方書, DV等支援対象, 取得経路, 住登区分, 確認書類, 元の行番号, 世帯番号, 照会結果, 要求通番, 照会区分, 結果コード, 要求種別, レコード区分); mark it passthrough = true to carry it to the result; format: 「tsv」は使えません / must be one of csv, fixed
    """
    problems: list[str] = []
    for k in sorted(set(data) - _TOP_KEYS):
        problems.append(f"不明なキー「{k}」 / unknown key {k!r}")
    fmt = data.get("format", "csv")
    if fmt not in _FORMATS:
        problems.append(f"format: 「{fmt}」は使えません / must be one of {', '.join(_FORMATS)}")
        fmt = "csv"
    encoding = data.get("encoding", "auto" if fmt == "csv" else "cp932")
    if encoding not in _ENCODINGS[fmt]:
        problems.append(f"encoding: 「{encoding}」は {fmt} では使えません / must be one of {', '.join(_ENCODINGS[fmt])}")
    role = data.get("role", "any")
    if role not in _ROLES:
        problems.append(f"role: 「{role}」は使えません / must be one of {', '.join(_ROLES)}")
    fields = _check_fields(data.get("fields"), fmt, problems)
    values_raw = data.get("values", {})
    values = {}
    if isinstance(values_raw, dict):
        for col, table in values_raw.items():
            values[col] = _str_table(table, f"[values.{col}]", problems)
    else:
        problems.append("[values]: 表ではありません / not a table")
    dates = _str_table(data.get("dates"), "[dates]", problems)
    for col, fmt_name in dates.items():
        if fmt_name not in _DATE_FORMATS:
            problems.append(f"[dates] {col}: 「{fmt_name}」は使えません / must be one of {', '.join(_DATE_FORMATS)}")
    join = _str_table(data.get("join"), "[join]", problems)
    eras = _str_table(data.get("eras"), "[eras]", problems) or dict(DEFAULT_ERAS)
    record_length = data.get("record_length")
    newline = data.get("newline", "crlf" if fmt == "fixed" else "lf")
    if newline not in _NEWLINES:
        problems.append(f"newline: must be one of {', '.join(_NEWLINES)}")
    if fmt == "fixed":
        if not isinstance(record_length, int) or record_length <= 0:
            problems.append("record_length: 固定長には1以上の整数が必要です / fixed-length needs record_length >= 1")
        else:
            for f in fields:
                if f.offset is not None and f.length is not None and f.offset + f.length > record_length:
                    problems.append(f"[[fields]] {f.header}: レコード長 {record_length} を超えます / "
                                    f"ends at byte {f.offset + f.length}, past record_length {record_length}")
    header_record = data.get("header_record", [])
    if not isinstance(header_record, list) or not all(isinstance(x, str) for x in header_record):
        problems.append("header_record: 文字列の配列です / must be a list of strings")
        header_record = []
    home = data.get("home_prefecture")
    if home is not None and home not in PREFECTURES:
        problems.append(f"home_prefecture: 「{home}」は都道府県名ではありません / not a prefecture (e.g. 東京都)")
    if problems:
        raise ProfileError("プロファイルに誤りがあります", "invalid profile: " + "; ".join(sorted(problems)),
                           file=source)
    return Profile(
        name=str(data.get("name", Path(source).stem)), description=str(data.get("description", "")),
        format=fmt, encoding=encoding, role=role, fields=fields, values=values, dates=dates, join=join,
        eras=eras, record_length=record_length, newline=newline, header_line=bool(data.get("header_line", True)),
        header_record=tuple(header_record), assumption=bool(data.get("assumption", False)), source=source,
        home_prefecture=home,
    )


def resolve(profile: str | os.PathLike | Profile | None, default: str = "standard") -> Profile:
    """A :class:`Profile` from a name, a path, a profile, or None (→ ``default``)."""
    if isinstance(profile, Profile):
        return profile
    return load_profile(default if profile is None else profile)
