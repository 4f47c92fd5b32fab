"""Dates as pages show them (ISO, epochs, French and other languages, relative) to ISO 8601 UTC."""
from __future__ import annotations

import re
import time
from calendar import monthrange
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .text import fold

MONTHS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    # German
    "januar": 1, "jaenner": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "dezember": 12, "mrz": 3, "okt": 10, "dez": 12,
    # Spanish / Portuguese
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
    # Italian / Dutch
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12, "januari": 1, "februari": 2, "maart": 3,
    "mei": 5, "augustus": 8,
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
# A zone a written date names ("24.04.2018 12:29:19 (Europe/Moscow)"): the date is that zone's time.
NAMED_ZONE = re.compile(r"\b([A-Z][A-Za-z]+(?:/[A-Z][A-Za-z_+-]+)+)\b")
UTC = timezone.utc


def iso_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for an aware datetime."""
    moment = moment.astimezone(UTC)
    if moment.year < 1000:  # strftime writes such years unpadded; kept as it always was
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"  # as strftime, faster


@lru_cache(maxsize=64)
def _zone(name: str):
    return UTC if name in ("UTC", "Z", "") else ZoneInfo(name)


def parse_iso(value: str | None, tz: str = "UTC") -> str | None:
    """An ISO 8601 timestamp (any offset; naive means ``tz``) as UTC; None when it is not one."""
    if not value or not ISO_LIKE.match(value):
        return None
    text = value.strip().replace("Z", "+00:00").replace(" ", "T", 1)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    text = re.sub(r"T(\d{2})(\d{2})(?=$|[+-])", r"T\1:\2", text)
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
    if value is None:  # most pages' time elements have no epoch: no exception raised and caught
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not 0 < seconds < 4_102_444_800:
        return None
    if seconds.is_integer():  # the usual case, without a datetime
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % time.gmtime(seconds)[:6]
    return iso_utc(datetime.fromtimestamp(seconds, UTC))


def time_element_moment(time, tz: str = "UTC") -> str | None:
    """The moment a page's ``time`` element gives in its attributes: an epoch ``pubdate``, an ISO
    ``datetime``, or an absolute date in its ``title`` (shown on hover over a relative text)."""
    return (from_epoch(time.get("pubdate")) or parse_iso(time.get("datetime"), tz)
            or parse_absolute(time.get("title"), tz))


def parse_date(text: str | None, tz: str = "UTC", languages: tuple[str, ...] = (),
               relative_base: datetime | None = None) -> str | None:
    """A date as written on a page (absolute or relative) as ISO 8601 UTC, or None."""
    if not text or not text.strip():
        return None
    return parse_absolute(text, tz) or _parse_relative(text, tz, languages, relative_base)


def parse_absolute(text: str | None, tz: str = "UTC") -> str | None:
    """An ISO timestamp or a written date (never a relative one) as ISO 8601 UTC, or None; a
    written date is read in the zone it names, else in ``tz``."""
    if not text or not text.strip():
        return None
    return parse_iso(text, tz) or _parse_written(fold(text), _named_zone(text) or tz)


def _named_zone(text: str) -> str | None:
    """The IANA zone ``text`` names ("Europe/Moscow"), or None."""
    match = NAMED_ZONE.search(text) if "/" in text else None
    if match is None:
        return None
    try:
        _zone(match.group(1))
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return match.group(1)


def _parse_written(text: str, tz: str) -> str | None:
    for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (MONTH_DAY_YEAR, "mdy"), (NUMERIC, "num")):
        match = pattern.search(text)
        if match:
            return _build(match.groups(), order, tz)
    return None


def date_text(text: str | None) -> str | None:
    """The part of ``text`` that is a written date ("par JPA le 7 mai 2020 - 12:38." -> "7 mai 2020 -
    12:38"), or the whole text stripped when no written date is found."""
    if not text:
        return text
    folded = fold(text)
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC):
        match = pattern.search(folded)
        if match and len(folded) == len(text):
            return text[match.start():match.end()].strip(" ,.-")
    return text.strip()


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
    folded = " ".join(fold(text).split())
    quick = _quick_relative(folded, base) or _day_word(folded, base, tz) or _relative_at(folded, base, tz)
    if quick or not _worth_dateparser(folded):
        return quick
    import dateparser  # slow to import and to run: only for what the fast paths miss

    settings = {"TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC",
                "RELATIVE_BASE": base.astimezone(_zone(tz)).replace(tzinfo=None),
                "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}
    found = dateparser.parse(text, languages=list(languages) or None, settings=settings)
    return iso_utc(found) if found else None


# Relative dates, one entry per language (folded: no accents, lower case): the words saying "ago"
# before the count and after it, the words counting one ("an hour"), the words before a time of day
# ("at 07:52"), the day words and their offset, the units' stems or forms ("heure" reads
# "heures", "час" reads "часов") in seconds, and what may end a unit after its stem in a phrase
# found inside a longer text. Every reader of relative dates derives its patterns from this table.
MONTH, YEAR = 2592000, 31536000  # in seconds where a length is asked; counted back on the calendar
RELATIVE_WORDS = {
    "fr": {"before": ("il y a",), "after": (), "one": ("un", "une"), "at": ("a",),
           "days": {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "aujourd’hui": 0},
           "units": {"seconde": 1, "minute": 60, "heure": 3600, "jour": 86400, "semaine": 604800,
                     "mois": MONTH, "annee": YEAR, "an": YEAR},
           "endings": ("s",)},
    "en": {"before": (), "after": ("ago",), "one": ("a", "an", "one"), "at": ("at",),
           "days": {"yesterday": -1, "today": 0},
           "units": {"second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "day": 86400,
                     "week": 604800, "month": MONTH, "year": YEAR},
           "endings": ("s",)},
    "de": {"before": ("vor",), "after": ("zuruck",), "one": ("ein", "eine", "einer", "einem"),
           "at": ("um",),
           "days": {"gestern": -1, "heute": 0},
           "units": {"sekunde": 1, "minute": 60, "stunde": 3600, "tag": 86400, "woche": 604800,
                     "monat": MONTH, "jahr": YEAR},
           "endings": ("e", "n", "en")},
    "es": {"before": ("hace",), "after": (), "one": ("un", "uno", "una"), "at": ("a las",),
           "days": {"ayer": -1, "hoy": 0},
           "units": {"segundo": 1, "minuto": 60, "hora": 3600, "dia": 86400, "semana": 604800,
                     "mes": MONTH, "ano": YEAR},
           "endings": ("s", "es")},
    "pt": {"before": ("ha", "haa"), "after": ("atras",), "one": ("um", "uma"), "at": ("as",),
           "days": {"ontem": -1, "hoje": 0},
           "units": {"segundo": 1, "minuto": 60, "hora": 3600, "dia": 86400, "semana": 604800,
                     "mes": MONTH, "ano": YEAR},
           "endings": ("s", "es")},
    "it": {"before": ("fa",), "after": ("fa",), "one": ("un", "uno", "una"), "at": ("alle",),
           "days": {"ieri": -1, "oggi": 0},
           "units": {"secondo": 1, "secondi": 1, "minuto": 60, "minuti": 60, "ora": 3600, "ore": 3600,
                     "giorn": 86400, "settiman": 604800, "mes": MONTH, "anno": YEAR,
                     "anni": YEAR},
           "endings": ("i", "e", "o", "a")},
    "nl": {"before": (), "after": ("geleden",), "one": ("een",), "at": ("om",),
           "days": {"gisteren": -1, "vandaag": 0},
           "units": {"uur": 3600, "dag": 86400, "week": 604800, "weken": 604800, "maand": MONTH,
                     "jaar": YEAR},
           "endings": ("en",)},
    "ru": {"before": (), "after": ("назад",), "one": ("один", "одна", "одну"), "at": ("в",),
           "days": {"позавчера": -2, "вчера": -1, "сегодня": 0},
           "units": {"секунд": 1, "сек": 1, "минут": 60, "мин": 60, "час": 3600, "ч": 3600,
                     "день": 86400, "дн": 86400, "недел": 604800, "месяц": MONTH, "год": YEAR,
                     "лет": YEAR},
           "endings": ("а", "ы", "у", "ов", "ев", "я", "и", "ь", "ю", "еи")},
}
UNIT_ABBREVIATIONS = {"h": 3600, "j": 86400}  # "il y a 2 h", "il y a 3 j": tried last
CALENDAR_MONTHS = {MONTH: 1, YEAR: 12}


def _words(kind: str) -> list[str]:
    """Every language's words of one kind, once each, longest first."""
    found = dict.fromkeys(word for language in RELATIVE_WORDS.values() for word in language[kind])
    return sorted(found, key=len, reverse=True)


AGO_BEFORE, AGO_AFTER = _words("before"), _words("after")
DAY_WORDS = {word: offset for language in RELATIVE_WORDS.values() for word, offset in language["days"].items()}
# Longest stems first: "minute" is read before "min", "jahr" before the abbreviation "j".
UNITS = {**{stem: seconds for language in RELATIVE_WORDS.values() for stem, seconds in language["units"].items()},
         **UNIT_ABBREVIATIONS}
_UNITS = dict(sorted(UNITS.items(), key=lambda pair: len(pair[0]), reverse=True))
# The count, or none before a unit followed by "ago" ("час назад": one hour); the unit is a whole
# word read by the stem it starts with.
_RELATIVE = re.compile(
    rf"(?:{'|'.join(AGO_BEFORE)})?\s*(?:(\d+|{'|'.join(_words('one'))})(?:\s+|['’]))?"
    rf"([a-zа-я]+)\s*({'|'.join(AGO_AFTER)})?")
_DAY_WORDS = DAY_WORDS
_DAY_WORD = re.compile(r"^(" + "|".join(re.escape(w) for w in sorted(DAY_WORDS, key=len, reverse=True)) + r")\b"
                       r"(?:\D{0,12}?(\d{1,2})\s*(?:h|:|uhr)\s*(\d{2})?\s*(am|pm)?)?")
UNIT_ENDING = "(?:" + "|".join(_words("endings")) + ")?"
"""What may follow a unit's stem in a phrase inside a longer text ("heure-s", "Tag-en", "час-ов")."""
_PHRASE_UNIT = "(?:" + "|".join(sorted((stem for stem in UNITS if len(stem) >= 2), key=len, reverse=True)) + \
    ")" + UNIT_ENDING
_COUNT = rf"(?:\d+|{'|'.join(_words('one'))})"
RELATIVE_PHRASE = re.compile(rf"\b(?:{'|'.join(AGO_BEFORE)})\s+{_COUNT}\s+{_PHRASE_UNIT}\b"
                             rf"|\b(?:{_COUNT}\s+)?{_PHRASE_UNIT}\s+(?:{'|'.join(AGO_AFTER)})\b")
"""A relative date inside a longer folded text ("publie il y a 2 heures", "опубликовано 5 часов назад")."""
_RELATIVE_HINT = re.compile(r"\d|\b(?:" + "|".join(re.escape(w) for w in AGO_BEFORE + AGO_AFTER + list(DAY_WORDS))
                            + r")\b")


def _quick_relative(text: str, base: datetime) -> str | None:
    match = _RELATIVE.fullmatch(text.strip())
    if not match:
        return None
    count_word, unit_word, ago = match.groups()
    count = int(count_word) if count_word and count_word.isdigit() else 1 if count_word or ago else 0
    unit = next((seconds for name, seconds in _UNITS.items() if _names_unit(unit_word, name)), None)
    if not count or not unit:
        return None
    moment = _counted_back(base, count, unit)
    return iso_utc(moment) if moment else None


def _names_unit(word: str, stem: str) -> bool:
    """True when ``word`` is a unit read by ``stem``; a one-letter stem is an abbreviation ("2 h",
    "5 ч"), the whole word ("2 hommes" names no unit)."""
    return word == stem if len(stem) == 1 else word.startswith(stem)


def _counted_back(base: datetime, count: int, unit: int) -> datetime | None:
    """``count`` units before ``base``: months and years on the calendar (the same day, or the
    month's last), other units in seconds; None before year 1."""
    months = CALENDAR_MONTHS.get(unit)
    if months is None:
        return base - timedelta(seconds=count * unit)
    year, month = divmod(base.year * 12 + base.month - 1 - count * months, 12)
    if year < 1:
        return None
    return base.replace(year=year, month=month + 1, day=min(base.day, monthrange(year, month + 1)[1]))


_AT_TIME = re.compile(rf"^(.+?)\s*,?\s+(?:{'|'.join(_words('at'))})\s+"
                      r"(\d{1,2})\s*[:h]\s*(\d{2})\s*(am|pm)?$")


def _relative_at(text: str, base: datetime, tz: str) -> str | None:
    """"2 days ago at 07:52 am", "il y a 3 jours à 14h05": the day counted back, the time as shown."""
    match = _AT_TIME.match(text)
    if not match:
        return None
    day = _quick_relative(match.group(1), base)
    if day is None:
        return None
    hour, minute = int(match.group(2)), int(match.group(3))
    if match.group(4) == "pm" and hour < 12:
        hour += 12
    elif match.group(4) == "am" and hour == 12:
        hour = 0
    local = datetime.fromisoformat(day.replace("Z", "+00:00")).astimezone(_zone(tz))
    return iso_utc(local.replace(hour=hour % 24, minute=minute % 60, second=0, microsecond=0))


def _day_word(text: str, base: datetime, tz: str) -> str | None:
    """"hier à 14h30", "gestern um 18:47", "today at 9:05 pm" against the capture time."""
    match = _DAY_WORD.match(text)
    if not match:
        return None
    day = base.astimezone(_zone(tz)) + timedelta(days=_DAY_WORDS[match.group(1)])
    hour, minute = int(match.group(2) or 0), int(match.group(3) or 0)
    if match.group(4) == "pm" and hour < 12:
        hour += 12
    if not match.group(2):
        return iso_utc(day.replace(hour=0, minute=0, second=0, microsecond=0))
    return iso_utc(day.replace(hour=hour % 24, minute=minute % 60, second=0, microsecond=0))


def _worth_dateparser(text: str) -> bool:
    """Only short texts that look like dates go to the slow general parser."""
    return len(text) <= 60 and bool(_RELATIVE_HINT.search(text))
