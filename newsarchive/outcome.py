"""How a crawl ended (``crawls.status``) and the exit code that says so."""
from __future__ import annotations

FINISHED, INCOMPLETE, FAILED, INTERRUPTED = "finished", "incomplete", "failed", "interrupted"
EXIT_CODES = {FINISHED: 0, INCOMPLETE: 3, FAILED: 1, INTERRUPTED: 130}
"""``newsarchive crawl``, ``scrapy crawl`` and ``schedule run`` exit with these."""
INTERRUPTING_REASONS = ("shutdown",)
"""Scrapy's finish reasons for a crawl stopped by SIGINT/SIGTERM."""


def crawl_status(finish_reason: str, write_error: str | None, pending: int,
                 reached: int) -> tuple[str, str | None]:
    """A crawl's status and its reason, from Scrapy's finish reason, the archive write that failed
    (if any), how many URLs it leaves pending and how many pages of the site answered."""
    if write_error:
        return FAILED, f"archive write failed: {write_error}"[:500]
    if finish_reason in INTERRUPTING_REASONS:
        return INTERRUPTED, f"stopped by a signal ({pending} pages pending for the next crawl)"
    if not reached:
        return INCOMPLETE, "reached nothing: no page of the site could be fetched"
    if pending:
        return INCOMPLETE, f"{pending} pages pending for the next crawl"
    if finish_reason != "finished":
        return FINISHED, f"stopped: {finish_reason}"
    return FINISHED, None


def exit_code(status: str | None) -> int:
    """The exit code for a crawl's status (a crawl without one did not run to its end: failed)."""
    return EXIT_CODES.get(status or "", EXIT_CODES[FAILED])


def status_of_exit(code: int) -> str:
    """A crawl child's status from its exit code (``failed`` for any code not in EXIT_CODES)."""
    return next((status for status, known in EXIT_CODES.items() if known == code), FAILED)
