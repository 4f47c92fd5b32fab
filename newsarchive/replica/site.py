"""What a replica site answers: Resource, the Site interface and response helpers."""
from __future__ import annotations

from dataclasses import dataclass, field

HTML = "text/html; charset=UTF-8"


@dataclass
class Resource:
    """One HTTP answer: status, body bytes, content type and any extra headers."""

    status: int
    body: bytes
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


class Site:
    """A website the replica server can answer for."""

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        """The answer for ``path_and_query`` with links rooted at ``base_url``; None means 404."""
        raise NotImplementedError

    def resolve_post(self, path_and_query: str, body: bytes, base_url: str,
                     headers: dict[str, str] | None = None) -> Resource | None:
        """The answer to a POST of ``body`` (``headers``: the request's, names lower-cased); None (the
        default) means 405: the site takes none."""
        return None

    def not_found(self, base_url: str) -> Resource:
        """The 404 page served when ``resolve`` returns None."""
        return html_page("<!doctype html><title>404</title><h1>Page introuvable</h1>", 404)


def html_page(text: str, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Resource:
    return Resource(status, text.encode("utf-8"), HTML, headers or [])


def redirect(location: str, status: int = 301) -> Resource:
    return Resource(status, b"", HTML, [("Location", location)])


def text_file(text: str, content_type: str) -> Resource:
    return Resource(200, text.encode("utf-8"), content_type)
