"""Dates as pages show them (ISO, epochs, French and other languages, relative) to ISO 8601 UTC."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

MONTHS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    # German
    "januar": 1, "jaenner": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "dezember": 12, "mrz": 3, "okt": 10, "dez": 12,
    # Spanish / Portuguese
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME = r"(?:\D{0,12}?(\d{1,2})\s*(?:h|:|heures?|uhr)\s*(\d{2})?(?:\s*(?::|min)\s*(\d{2})?)?\s*(am|pm)?)?"
DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|\.|º)?\s*(?:de\s+)?({_MONTH_ALT})\.?,?\s*(?:de\s+)?(\d{{4}}){_TIME}",
    re.I)
MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}", re.I)
NUMERIC = re.compile(
    r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})" + _TIME, re.I)
ISO_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
UTC = timezone.utc


def fold(value: str) -> str:
    """Lower case without accents (``Février`` -> ``fevrier``)."""
    decomposed = unicodedata.normalize("NFKD", value.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def iso_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for an aware datetime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=64)
def _zone(name: str):
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


def parse_iso(value: str | None, tz: str = "UTC") -> str | None:
    """An ISO 8601 timestamp (any offset; naive means ``tz``) as UTC; None when it is not one."""
    if not value or not ISO_LIKE.match(value):
        return None
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    text = re.sub(r"\.\d+", "", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(tz))
    return iso_utc(moment)


def from_epoch(value: str | int | float | None) -> str | None:
    """A Unix epoch in seconds as ISO 8601 UTC."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 4_102_444_800:
        return None
    return iso_utc(datetime.fromtimestamp(seconds, UTC))


def parse_date(text: str | None, tz: str = "UTC", languages: tuple[str, ...] = (),
               relative_base: datetime | None = None) -> str | None:
    """A date as written on a page (absolute or relative) as ISO 8601 UTC, or None."""
    if not text or not text.strip():
        return None
    found = parse_iso(text, tz) or _parse_written(fold(text), tz)
    if found:
        return found
    return _parse_relative(text, tz, languages, relative_base)


def _parse_written(text: str, tz: str) -> str | None:
    for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy"), (NUMERIC, "num")):
        match = pattern.search(text)
        if match:
            return _build(match.groups(), order, tz)
    return None


def _build(groups: tuple, order: str, tz: str) -> str | None:
    first, second, year, hour, minute, second_s, meridiem = groups
    if order == "dmy":
        day, month = int(first), MONTHS[first_word(second)]
    elif order == "mdy":
        day, month = int(second), MONTHS[first_word(first)]
    else:
        day, month = int(first), int(second)
    hour_i = int(hour or 0)
    if meridiem and meridiem.lower() == "pm" and hour_i < 12:
        hour_i += 12
    if meridiem and meridiem.lower() == "am" and hour_i == 12:
        hour_i = 0
    try:
        moment = datetime(int(year), month, day, hour_i, int(minute or 0), int(second_s or 0),
                          tzinfo=_zone(tz))
    except ValueError:
        return None
    return iso_utc(moment)


def first_word(value: str) -> str:
    """The month key of a matched month name."""
    return fold(value).rstrip(".")


def _parse_relative(text: str, tz: str, languages: tuple[str, ...],
                    relative_base: datetime | None) -> str | None:
    base = relative_base or datetime.now(UTC)
    quick = _quick_relative(fold(text), base)
    if quick:
        return quick
    import dateparser  # slow to import and to run: only for what the fast paths miss

    settings = {"TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC",
                "RELATIVE_BASE": base.astimezone(_zone(tz)).replace(tzinfo=None),
                "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}
    found = dateparser.parse(text, languages=list(languages) or None, settings=settings)
    return iso_utc(found) if found else None


_UNITS = {"seconde": 1, "second": 1, "sekunde": 1, "segundo": 1, "minute": 60, "min": 60,
          "minuto": 60, "heure": 3600, "hour": 3600, "stunde": 3600, "hora": 3600, "jour": 86400,
          "day": 86400, "tag": 86400, "dia": 86400, "semaine": 604800, "week": 604800,
          "woche": 604800, "semana": 604800, "mois": 2592000, "month": 2592000}
_RELATIVE = re.compile(r"(?:il y a|vor|hace|ha|há)?\s*(\d+|une?|an?|einer?)\s+([a-z]+?)(?:s|n|en|e)?\s*(?:ago)?$")
_WORD_NUMBERS = {"un": 1, "une": 1, "a": 1, "an": 1, "ein": 1, "einer": 1, "eine": 1}


def _quick_relative(text: str, base: datetime) -> str | None:
    text = text.strip()
    match = _RELATIVE.fullmatch(text)
    if not match:
        return None
    count = _WORD_NUMBERS.get(match.group(1)) or (int(match.group(1)) if match.group(1).isdigit() else None)
    unit = next((seconds for name, seconds in _UNITS.items() if match.group(2).startswith(name)), None)
    if not count or not unit:
        return None
    return iso_utc(base - timedelta(seconds=count * unit))
