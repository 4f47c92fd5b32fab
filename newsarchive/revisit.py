"""The revisit planner: when an archived article is fetched again, from its age and thread activity (pure)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhms])", re.I)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """``"1h"``, ``"90m"``, ``"1d12h"``, ``"2w"`` or a number of seconds, as a timedelta.

    Example: parse_duration("1h30m") == timedelta(minutes=90)
    """
    if isinstance(text, timedelta):
        return text
    if isinstance(text, (int, float)) or str(text).strip().isdigit():
        return timedelta(seconds=float(text))
    compact = re.sub(r"\s+", "", str(text))
    parts = _DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts).lower() != compact.lower():
        raise ValueError(f"not a duration: {text!r} (use e.g. 30m, 1h, 1d12h, 2w)")
    return sum((timedelta(**{_UNITS[u.lower()]: float(n)}) for n, u in parts), timedelta())


def format_duration(delta: timedelta) -> str:
    """A timedelta as the shortest ``1d6h``-style text (``0s`` for zero)."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def parse_time(value: str | datetime) -> datetime:
    """An archive timestamp (ISO 8601 UTC) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    """An aware datetime as the archive writes timestamps (``2024-02-29T10:00:00Z``)."""
    return moment.astimezone(timezone.utc).strftime(ISO_FORMAT)


@dataclass(frozen=True)
class RevisitPolicy:
    """How often an article is fetched again while it may still change."""

    steps: tuple[tuple[timedelta, timedelta], ...]
    """``(age up to, revisit every)`` pairs, ages ascending; past the last age its interval holds."""
    horizon: timedelta
    """Past this age (since published) an article is settled and never fetched again."""
    growing_factor: float = 0.5
    """A thread that gained comments at the last visit waits ``interval * growing_factor``."""

    @classmethod
    def from_data(cls, steps: Iterable, horizon: Any, growing_factor: Any = 0.5) -> "RevisitPolicy":
        """A policy from settings-style data: durations as text (``"6h"``) or seconds."""
        if isinstance(steps, str):
            steps = json.loads(steps)
        pairs = tuple(sorted((parse_duration(age), parse_duration(every)) for age, every in steps))
        if not pairs or any(every <= timedelta(0) for _, every in pairs):
            raise ValueError("revisit steps need at least one positive interval")
        return cls(pairs, parse_duration(horizon), float(growing_factor))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "RevisitPolicy":
        """The policy in Scrapy settings ``NEWSARCHIVE_REVISIT_*`` (defaults for missing keys)."""
        return cls.from_data(settings.get("NEWSARCHIVE_REVISIT_STEPS") or DEFAULT_STEPS,
                             settings.get("NEWSARCHIVE_REVISIT_HORIZON") or DEFAULT_HORIZON,
                             settings.get("NEWSARCHIVE_REVISIT_GROWING_FACTOR") or DEFAULT_GROWING_FACTOR)


# The defaults (also in newsarchive/settings.py): hourly in the first 6 hours, every 4 hours up to
# 2 days, daily up to a week, weekly up to the 30-day horizon: about 25 visits per article.
DEFAULT_STEPS = (("6h", "1h"), ("2d", "4h"), ("7d", "1d"), ("30d", "7d"))
DEFAULT_HORIZON = "30d"
DEFAULT_GROWING_FACTOR = 0.5
DEFAULT_POLICY = RevisitPolicy.from_data(DEFAULT_STEPS, DEFAULT_HORIZON, DEFAULT_GROWING_FACTOR)


def interval_for(age: timedelta, policy: RevisitPolicy) -> timedelta:
    """The revisit interval for an article of this age."""
    for up_to, every in policy.steps:
        if age < up_to:
            return every
    return policy.steps[-1][1]


def next_visit(published_at: datetime, visited_at: datetime, comments_growth: int,
               policy: RevisitPolicy = DEFAULT_POLICY, complete: bool = True) -> datetime | None:
    """When to fetch an article again after a visit; None once it is settled.

    ``published_at`` is its publication time (else when first seen), ``comments_growth`` how many
    comments that visit added, ``complete`` False when a comment page failed (retry sooner, even
    past the horizon). The last visit lands exactly on the horizon, so the archive keeps the thread
    as it settled.
    """
    settles_at = published_at + policy.horizon
    interval = interval_for(max(visited_at - published_at, timedelta(0)), policy)
    if not complete:  # a thread with comment pages missing is never settled (the store bounds its tries)
        return visited_at + interval * policy.growing_factor
    if visited_at >= settles_at:
        return None
    if comments_growth > 0:
        interval = interval * policy.growing_factor
    return min(visited_at + interval, settles_at)


def next_visit_at(published: str | None, first_seen: str, visited: str, comments_growth: int,
                  policy: RevisitPolicy = DEFAULT_POLICY, complete: bool = True) -> str | None:
    """``next_visit`` on archive timestamps (ISO 8601 UTC text), as the store keeps it."""
    moment = next_visit(parse_time(published or first_seen), parse_time(visited), comments_growth,
                        policy, complete)
    return format_time(moment) if moment else None


def is_due(next_visit_text: str | None, now: datetime) -> bool:
    """True when an article's stored next visit has come (never for a settled one)."""
    return next_visit_text is not None and parse_time(next_visit_text) <= now


@dataclass(frozen=True)
class RetryPolicy:
    """How a page the site failed is tried again by later crawls (see the ``frontier`` table)."""

    max_attempts: int = 5
    """Tries of one URL (or of one thread's missing comment pages) before it is given up."""
    backoff: timedelta = timedelta(minutes=10)
    """The wait after the second failure, doubled after each later one (the first: the next crawl)."""

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "RetryPolicy":
        """The policy in settings ``NEWSARCHIVE_MAX_ATTEMPTS`` and ``NEWSARCHIVE_RETRY_BACKOFF``."""
        attempts = settings.get("NEWSARCHIVE_MAX_ATTEMPTS") or cls.max_attempts
        return cls(max(1, int(attempts)), parse_duration(settings.get("NEWSARCHIVE_RETRY_BACKOFF") or cls.backoff))

    def next_try(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after ``attempts`` failed tries; None once given up."""
        if attempts >= self.max_attempts:
            return None
        return now + (self.backoff * 2 ** (attempts - 2) if attempts > 1 else timedelta(0))
