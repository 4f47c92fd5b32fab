"""Date formats a French WordPress site prints: fr_FR texts, W3C, RFC 822, ISO UTC."""
from __future__ import annotations

import calendar
from datetime import datetime, timezone

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet",
          "août", "septembre", "octobre", "novembre", "décembre")


def epoch(iso: str) -> int:
    """``2024-02-29T07:30:00Z`` -> Unix seconds."""
    return calendar.timegm(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def _utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def iso_z(ts: int) -> str:
    """ISO 8601 UTC with a ``Z``: ``2024-02-29T07:30:00Z``."""
    return _utc(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def w3c(ts: int) -> str:
    """PHP ``DATE_W3C``: ``2024-02-29T07:30:00+00:00``."""
    return _utc(ts).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def rfc822(ts: int) -> str:
    """RSS ``pubDate`` in GMT: ``Thu, 29 Feb 2024 07:30:00 +0000``."""
    return _utc(ts).strftime("%a, %d %b %Y %H:%M:%S +0000")


def date_fr(ts: int) -> str:
    """WordPress fr_FR ``j F Y``: ``29 février 2024``."""
    d = _utc(ts)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def time_fr(ts: int) -> str:
    """WordPress fr_FR ``G \\h i \\m\\i\\n``: ``9 h 05 min``."""
    d = _utc(ts)
    return f"{d.hour} h {d.minute:02d} min"


def comment_when(ts: int) -> str:
    """A Newspaper comment's visible time: ``28 février 2024 à 10 h 05 min``."""
    return f"{date_fr(ts)} à {time_fr(ts)}"


_AGO_STEPS = ((3600, 60, "minute"), (86400, 3600, "heure"),
              (7 * 86400, 86400, "jour"), (None, 7 * 86400, "semaine"))


def time_ago_fr(seconds: int) -> str:
    """``human_time_diff`` in French with the site's prefix: ``il y a 2 jours``."""
    for limit, size, word in _AGO_STEPS:
        if limit is None or seconds < limit:
            n = max(1, round(seconds / size))
            return f"il y a {n} {word}{'s' if n > 1 else ''}"
    raise AssertionError("unreachable")
