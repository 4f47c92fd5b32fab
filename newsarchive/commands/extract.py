"""``newsarchive extract``: the archive's own extraction run on saved pages or live URLs, with no archive."""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import click

from ..items import Article, Capture, FetchedPage, article_json
from ..pages.base import ExtractionError
from . import say

FETCH_TIMEOUT = 60


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_url(value: str) -> bool:
    """True for an http(s) URL (anything else is read as a file path)."""
    return value.lower().startswith(("http://", "https://"))


def saved_page(path: str, url: str | None, fetched_at: str | None) -> FetchedPage:
    """A saved page as a fetched one: captured when the file was last written, unless told."""
    file = Path(path)
    when = fetched_at or _iso(datetime.fromtimestamp(file.stat().st_mtime, timezone.utc))
    return FetchedPage(url=url or file.resolve().as_uri(), status=200, headers=[("Content-Type", "text/html")],
                       body=file.read_bytes(), fetched_at=when)


def live_page(url: str, fetched_at: str | None) -> FetchedPage:
    """One plain HTTP GET of ``url`` (redirects followed), kept as the archive keeps responses."""
    from .. import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"newsarchive/{__version__} (extract)"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            status, headers, body, final = response.status, list(response.headers.items()), response.read(), \
                response.url
    except urllib.error.HTTPError as error:
        status, headers, body, final = error.code, list(error.headers.items()), error.read(), url
    return FetchedPage(url=final, status=status, headers=headers, body=body,
                       fetched_at=fetched_at or _iso(datetime.now(timezone.utc)), request_url=url)


def extract_input(source: str, url: str | None, page_type: str, fetched_at: str | None) -> Article:
    """The article of one input (a file path or an http(s) URL); raises ExtractionError or OSError."""
    from ..extraction import extract  # the parsers load only when a command extracts

    page = live_page(source, fetched_at) if is_url(source) else saved_page(source, url, fetched_at)
    article_url = url or page.url
    return extract(Capture(url=article_url, site="", spider="extract", pages=[page], page_type=page_type))


def _registered_page_type(ctx, param, value: str) -> str:
    """``value`` when a page object is registered under that name (``pages.registry``)."""
    from ..pages.registry import load_pages  # the parsers load only when a command extracts

    names = sorted(load_pages())
    if value not in names:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(map(repr, names))}.")
    return value


@click.command("extract")
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--url", "urls", multiple=True, metavar="ORIGINAL_URL",
              help="The page's original URL (once per input, in order; once for a single input).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@click.option("--page-type", default="generic", show_default=True, callback=_registered_page_type,
              help="Which page object extracts the inputs (generic, or a site's own: maliweb…).")
@click.option("--captured-at", metavar="ISO", help="Capture time for relative dates (default: file time or now).")
def extract_command(sources: tuple[str, ...], urls: tuple[str, ...], as_json: bool, page_type: str,
                    captured_at: str | None) -> None:
    """Extract article, byline, dates and the whole comment thread of saved pages or live URLs.

    Nothing is archived. With several inputs and --json, prints JSON Lines in input order.

    Example: newsarchive extract saved.html --url https://example.org/a --json
    """
    from ..render import render_article

    if urls and len(urls) != len(sources):
        raise click.UsageError(f"--url given {len(urls)} times for {len(sources)} inputs")
    failed = 0
    for index, source in enumerate(sources):
        try:
            document = article_json(extract_input(source, urls[index] if urls else None, page_type, captured_at))
        except (ExtractionError, OSError, ValueError) as error:
            failed += 1
            say(f"{source}: {error}", err=True)
            document = {"url": urls[index] if urls else source, "error": str(error)}
            if not as_json:
                continue
        say(json.dumps(document, ensure_ascii=False) if as_json else render_article(document))
    if failed:
        sys.exit(1)
