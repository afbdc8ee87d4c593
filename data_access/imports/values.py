"""One cell at a time: text from a CSV or a typed value from a workbook -> a checked Python value.

Tolerant where the reading is certain (spaces, case, ISO dates, a day above 12, decimal comma in
a ';' file, "50%"), strict where it is not: an ambiguous date such as 03/04/2026, "1.2M", NaN or
a two-digit year is a :class:`CellError`, never a guess.

Formula neutralisation is undone: data_access/exports.py writes a text starting with = + - @ tab
or CR with a leading single quote ("=SUM(1)" -> "'=SUM(1)") so that no spreadsheet runs it; a
text cell whose first character is that quote followed by one of those six characters is read
without the quote (:func:`unneutralise`), so an export re-imports as the same text. Any other
leading quote is kept ("'quoted'" stays as is). The one text that cannot survive the round
trip is one that itself starts with the quote and a trigger ("'=x" comes back as "=x"), since
the exporter leaves it unchanged.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

EXCEL_ERRORS = frozenset({"#REF!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#VALUE!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA"})
MIN_DATE, MAX_DATE = dt.date(1970, 1, 1), dt.date(2100, 12, 31)
_EXCEL_EPOCH = dt.date(1899, 12, 30)          # serial 1 = 1900-01-01 (with Excel's 1900 leap bug)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_GROUPED_EU = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_TRUE = frozenset({"true", "yes", "y", "1", "x", "oui", "ja", "vrai"})
_FALSE = frozenset({"false", "no", "n", "0", "non", "nein", "faux"})
_INVISIBLE = frozenset({"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"})
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")  # exports.FORMULA_TRIGGERS after exports.QUOTE


class CellError(ValueError):
    """A value that cannot be read safely; ``rule`` names the rule, the message says why."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


class Percent(float):
    """A workbook number formatted as a percentage, already scaled to 0..100."""


def shown(value: object, limit: int = 60) -> str:
    """The value as the report shows it (short, one line)."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = text.replace("\x00", "\\0").replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def clean_text(value: str) -> str:
    """Outer spaces and invisible characters (BOM, zero-width) removed; inner text untouched."""
    return "".join(ch for ch in value if ch not in _INVISIBLE).strip()


def unneutralise(value: str) -> str:
    """The inverse of exports.neutralise: "'=SUM(1)" -> "=SUM(1)" (quote then = + - @ tab CR)."""
    return value[1:] if _NEUTRALISED.match(value) else value


def text(value: object, max_len: int, *, multiline: bool = False) -> str:
    """A string of at most ``max_len`` characters, without NUL or other control characters;
    an exported text's neutralising quote is removed ("'-5" -> "-5", see unneutralise)."""
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)                       # a key typed into a number cell: 12.0 -> "12"
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    out = clean_text(value.isoformat() if isinstance(value, dt.date) else str(value))
    if out in EXCEL_ERRORS:
        raise CellError("formula_error", f"the spreadsheet shows the error {out}, not a value")
    out = unneutralise(out)
    if "\x00" in out:
        raise CellError("nul_byte", "contains a NUL byte (\\0), which the database refuses")
    allowed = {"\n", "\t", "\r"} if multiline else set()
    bad = next((ch for ch in out if unicodedata.category(ch) == "Cc" and ch not in allowed), None)
    if bad is not None:
        raise CellError("control_character", f"contains the control character U+{ord(bad):04X}")
    if len(out) > max_len:
        raise CellError("too_long", f"{len(out):,} characters, but the column holds at most "
                                    f"{max_len:,}")
    return out


def norm_key(value: str) -> str:
    """How keys and codes are compared: case and spacing ignored ('P 01 ' == 'p 01')."""
    return " ".join(value.split()).casefold()


def choice(value: object, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``, matched ignoring case, spaces and hyphens ('On hold' -> 'on_hold')."""
    raw = clean_text(str(value))
    wanted = re.sub(r"[\s\-]+", "_", raw).casefold()
    for option in allowed:
        if option.casefold() == wanted:
            return option
    raise CellError("unknown_value", f"{raw!r} is not one of: {', '.join(allowed)}")


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = clean_text(str(value)).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError("not_boolean", f"{shown(value)!r} is not yes/no "
                                   f"(use yes, no, true, false, 1 or 0)")


def number(value: object, *, decimal_comma: bool = False) -> float:
    """A finite number: 1200000, "1,200,000", "1 200 000,50" (';' files), "1.2e6"; not "1.2M"."""
    if isinstance(value, bool):
        raise CellError("not_number", f"{value} is not a number")
    if isinstance(value, (int, float)):
        out = float(value)
    else:
        raw = clean_text(str(value))
        compact = re.sub(r"[\s\u00a0\u202f']", "", raw)
        if decimal_comma:
            if _GROUPED_EU.match(compact):
                compact = compact.replace(".", "")
            compact = compact.replace(",", ".") if compact.count(",") == 1 else compact
        elif _GROUPED.match(compact):
            compact = compact.replace(",", "")
        try:
            out = float(compact)
        except ValueError:
            raise CellError("not_number", f"{raw!r} is not a number (write it in full, "
                                          f"e.g. 1200000 or 1,200,000)") from None
        if compact.casefold().lstrip("+-") in ("nan", "inf", "infinity"):
            out = math.nan
    if not math.isfinite(out):
        raise CellError("not_number", f"{shown(value)!r} is not a finite number")
    return out


def integer(value: object, *, decimal_comma: bool = False) -> int:
    out = number(value, decimal_comma=decimal_comma)
    if not out.is_integer():
        raise CellError("not_integer", f"{shown(value)!r} is not a whole number")
    return int(out)


def percent(value: object, *, decimal_comma: bool = False) -> float:
    """0..100: "50%", 50 and a workbook cell formatted as 50 % are all fifty per cent."""
    if isinstance(value, Percent):
        return round(float(value), 10)
    if isinstance(value, str) and clean_text(value).endswith("%"):
        return number(clean_text(value)[:-1], decimal_comma=decimal_comma)
    return number(value, decimal_comma=decimal_comma)


def date(value: object, *, excel: bool = False) -> dt.date:
    """A calendar date: ISO, or day-first / month-first only when the other reading is impossible.

    ``excel``: a bare number is an Excel serial date (only in workbook cells, never in CSV).
    """
    if isinstance(value, dt.datetime):
        out = value.date()
    elif isinstance(value, dt.date):
        out = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not excel:
            raise CellError("not_date", f"{value} is not a date (write it as YYYY-MM-DD)")
        if not float(value).is_integer() or not 1 <= value <= 2_958_465:
            raise CellError("not_date", f"{value} is not an Excel date serial number")
        out = _EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        out = _date_text(clean_text(str(value)))
    if not MIN_DATE <= out <= MAX_DATE:
        raise CellError("date_out_of_range", f"{out.isoformat()} is outside "
                                             f"{MIN_DATE.year}-{MAX_DATE.year}")
    return out


def _date_text(raw: str) -> dt.date:
    if m := _ISO.match(raw):
        return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _DMY.match(raw):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if first > 12 or first == second:
            return _make(year, second, first, raw)          # 25/11/2026: only day-first works
        if second > 12:
            return _make(year, first, second, raw)          # 11/25/2026: only month-first works
        raise CellError("ambiguous_date",
                        f"{raw!r} is ambiguous: it could be {year}-{second:02d}-{first:02d} or "
                        f"{year}-{first:02d}-{second:02d}; write it as YYYY-MM-DD")
    raise CellError("not_date", f"{raw!r} is not a date (write it as YYYY-MM-DD, e.g. 2026-11-25)")


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("not_date", f"{raw!r} is not a real calendar date") from None


def month(value: object, *, excel: bool = False) -> dt.date:
    """The first day of a month: "2026-11", "11/2026" or any date inside it."""
    if isinstance(value, str):
        raw = clean_text(value)
        if m := _YM.match(raw):
            return _make(int(m[1]), int(m[2]), 1, raw)
        if m := _MY.match(raw):
            return _make(int(m[2]), int(m[1]), 1, raw)
    return date(value, excel=excel).replace(day=1)
