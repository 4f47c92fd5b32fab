"""Results as stream entries: JSON for what a result says, raw bytes for the bodies of its pages."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..items import Article, Capture, Comment, FetchedPage, FetchFailure

CAPTURE, FAILURE, GIVE_UP, PLAN = "capture", "failure", "give_up", "plan"
THREAD_NOTES = ("; thread kept partial", "; thread not archived")
"""How a failure about an article ends when its capture still follows (a capped or unrendered thread)."""


@dataclass
class Result:
    """One thing a worker reports: a capture with its article (or why it did not extract), a
    failure, a URL given up, or frontier rows to plan."""

    kind: str
    url: str = ""
    fields: dict = field(default_factory=dict)
    capture: Capture | None = None
    outcome: Article | str | None = None

    def settles_job(self) -> bool:
        """True when nothing more of this URL's job follows: its capture, or its article's own failure."""
        if self.kind == CAPTURE:
            return True
        reason = self.fields.get("reason", "")
        return self.kind in (FAILURE, GIVE_UP) and not reason.endswith(THREAD_NOTES)


def capture_entry(capture: Capture, outcome: Article | str, plan: list[tuple],
                  permanent: bool = True) -> dict[str, bytes]:
    """A capture, its extraction outcome (the article, or why none: for good unless not
    ``permanent``) and the frontier rows of its comment pages (``plan``: stored with it, or not at
    all) as stream entry fields."""
    pages = [{k: v for k, v in asdict(page).items() if k != "body"} for page in capture.pages]
    meta = {"url": capture.url, "site": capture.site, "spider": capture.spider, "page_type": capture.page_type,
            "comment_pages_complete": capture.comment_pages_complete, "thread_capped": capture.thread_capped,
            "pages": pages, "article": asdict(outcome) if isinstance(outcome, Article) else None,
            "reason": outcome if isinstance(outcome, str) else None, "permanent": permanent, "plan": [list(row) for row in plan]}
    entry = {"kind": CAPTURE.encode(), "meta": json.dumps(meta).encode()}
    entry.update({f"body{i}": page.body for i, page in enumerate(capture.pages)})
    return entry


def failure_entry(failure: FetchFailure, stage: str = "fetch") -> dict[str, bytes]:
    return _entry(FAILURE, {**asdict(failure), "stage": stage})


def entry(kind: str, fields: dict) -> dict[str, bytes]:
    """A give-up or plan result (``fields``: its JSON values)."""
    return _entry(kind, fields)


def _entry(kind: str, fields: dict) -> dict[str, bytes]:
    return {"kind": kind.encode(), "meta": json.dumps(fields).encode()}


def decode(entry: dict[bytes, bytes]) -> Result:
    """The result a stream entry holds."""
    kind, meta = entry[b"kind"].decode(), json.loads(entry[b"meta"])
    if kind != CAPTURE:
        return Result(kind, meta.get("url", ""), meta)
    pages = [FetchedPage(**page, body=entry[f"body{i}".encode()]) for i, page in enumerate(meta["pages"])]
    capture = Capture(url=meta["url"], site=meta["site"], spider=meta["spider"], pages=pages,
                      page_type=meta["page_type"], comment_pages_complete=meta["comment_pages_complete"],
                      thread_capped=meta["thread_capped"])
    outcome = article_from_dict(meta["article"]) if meta["article"] is not None else meta["reason"]
    return Result(kind, capture.url, meta, capture, outcome)


def article_from_dict(values: dict) -> Article:
    """The Article ``dataclasses.asdict`` made ``values`` of."""
    comments = [Comment(**comment) for comment in values["comments"]]
    return Article(**{**values, "comments": comments})
