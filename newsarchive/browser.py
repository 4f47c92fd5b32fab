"""Threads that only exist after scripts run: which pages need a browser, and rendering them in headless Chromium."""
from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import time
from dataclasses import dataclass
from functools import cached_property

import scrapy
from scrapy.settings import Settings

from .hostmap import HostMap, HostMapDownloadHandler, crawl_host_map
from .items import Capture, FetchedPage, FetchFailure
from .limits import RobotsGate
from .pages.base import ExtractionError, parse_html
from .pages.widgets import WIDGETS, detect_widget, embed_marks
from .widgets import adapter_of, widget_marks

RENDER_MODES = ("never", "auto", "always")
"""``auto``: render the pages whose thread scripts build (a widget no adapter read, or comments
declared and none in the HTML), when a browser is installed (default); ``always``: every article
page; ``never``: none (such pages are recorded as needing a browser)."""
RENDERED_HEADER = "X-Newsarchive-Rendered"
"""Marks the capture page that holds the DOM as the browser left it."""
NEEDS_BROWSER = "needs a browser"
# Widgets a rendering does not help: wpDiscuz's thread is in the HTML (comment pages fetch the rest);
# Facebook's plugin shows its thread in a frame of facebook.com, out of the page's DOM.
NOT_RENDERED_WIDGETS = {"wpdiscuz", "facebook"}
DATA_TYPES = ("json", "javascript")  # content types of the answers an adapter may read
SKIPPED_RESOURCES = {"image", "media", "font"}  # a thread needs none of them: not fetched
# A comment item of a server-rendered thread: WordPress/Drupal ids, wpDiscuz, SPIP, schema.org's
# Comment, WordPress's comment body classes.
SERVER_THREAD = re.compile(rb"""id=["'](?:li-|div-)?comment-\d|-comm-\d|id=["']forum\d|schema\.org/Comment["'\s>]"""
                           rb"""|class=["'][^"'>]*\bcomment-(?:body|content|text)\b""", re.I)
DECLARED_COUNT = re.compile(
    rb'"commentCount"\s*:\s*"?(\d+)|itemprop=["\']commentCount["\'][^>]{0,200}?content=["\'](\d+)')
COUNT_MARK = b"commentCount"  # in every match of DECLARED_COUNT: a page without it is not searched


# Bytes any embed of a script-built widget holds: a page without them is not parsed to look for one.
WIDGET_MARKS = frozenset(mark for name in WIDGETS if name not in NOT_RENDERED_WIDGETS for mark in embed_marks(name))


def check_render_mode(render: str) -> None:
    """Raise ValueError unless ``render`` is a known mode."""
    if render not in RENDER_MODES:
        raise ValueError(f"render must be one of {', '.join(RENDER_MODES)}, got {render!r}")


def client_side_thread(page: FetchedPage) -> str | None:
    """Why an article page's thread is built by scripts (in words for ``failures``), or None when
    its HTML holds it or declares none. A scan of the bytes; the page is parsed only when it names
    a widget."""
    widget = _embedded_widget(page)
    if widget:
        return f"{widget} widget and no adapter for it"
    declared = DECLARED_COUNT.search(page.body) if COUNT_MARK in page.body else None
    count = int(next(filter(None, declared.groups()))) if declared else 0
    if count and not SERVER_THREAD.search(page.body):
        return f"the page declares {count} comments and its HTML holds none"
    return None


def _embedded_widget(page: FetchedPage) -> str | None:
    if widget_marks(page.body).isdisjoint(WIDGET_MARKS):
        return None
    try:
        tree, _ = parse_html(page)
    except ExtractionError:
        return None
    name = detect_widget(tree)
    return None if name in NOT_RENDERED_WIDGETS else name


def browser_path(settings) -> str | None:
    """The Chromium the crawl would drive (``PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"]``)."""
    return (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path")


def missing_browser(settings) -> str | None:
    """What keeps the crawl from rendering (no executable browser at its path, scrapy-playwright not
    installed), or None when it can."""
    path = browser_path(settings)
    if not path or not os.access(path, os.X_OK):
        return f"no browser at {path}"
    if importlib.util.find_spec("scrapy_playwright") is None:
        return "scrapy-playwright not installed (pip install 'newsarchive[render]')"
    return None


@dataclass
class RenderLimits:
    """How far a rendered page is expanded: clicks, seconds, bytes of DOM, and the wait for growth."""

    max_clicks: int
    timeout: float
    max_bytes: int
    settle: float

    @classmethod
    def from_settings(cls, settings) -> "RenderLimits":
        return cls(settings.getint("NEWSARCHIVE_RENDER_MAX_CLICKS"), settings.getfloat("NEWSARCHIVE_RENDER_TIMEOUT"),
                   settings.getint("NEWSARCHIVE_MAX_COMMENT_BYTES"), settings.getfloat("NEWSARCHIVE_RENDER_SETTLE"))


@dataclass
class Expansion:
    """What expanding a thread did: clicks made, and why it stopped if not because it stopped growing."""

    clicks: int = 0
    cut_short: str | None = None


DOM_SIZE = "() => document.documentElement ? document.documentElement.outerHTML.length : 0"
# Clicks the visible buttons and links that reveal more of a thread ("load more", "show replies",
# "voir plus de commentaires"…), never one that acts ("reply", "like", "report", "hide") nor a link
# that leaves the page. A toggle is clicked once; a "more" button again while the thread grows.
CLICK_EXPANDERS = r"""(budget) => {
  const expand = /\b(load|show|view|see|read|display|expand|open)\b.*\b(more|all|older|previous|earlier|repl(y|ies)|comments?|responses?|answers?|thread|conversation)\b|\bmore (comments|replies|responses)\b|^\d+\s+(more\s+)?(repl(y|ies)|responses?|comments?)\b|\b(voir|afficher|charger|lire|déplier|montrer)\b.*\b(plus|réponses?|commentaires?|suite|tous|toutes)\b|plus de (commentaires|réponses)|^\d+\s+réponses?\b|\b(mehr|weitere|alle)\s+(kommentare|antworten)|antworten anzeigen|\b(ver|cargar|mostrar)\s+(más|respuestas|comentarios)/i;
  const acts = /^(reply|répondre|repondre|answer|respond|antworten|responder|rispondi|hide|masquer|cacher|réduire|collapse|close|fermer|like|report|signaler|share|partager|log ?in|sign ?in|connexion|subscribe|s'abonner|sort|trier)\b/i;
  const again = /\b(more|plus|weitere|más|older|previous|earlier)\b/i;
  let clicked = 0;
  const candidates = document.querySelectorAll('button, a, [role="button"], summary, input[type="button"]');
  for (const el of candidates) {
    if (clicked >= budget) break;
    if (el.disabled || el.closest('form') || !el.getClientRects().length) continue;
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
    if (!text || text.length > 80 || acts.test(text) || !expand.test(text)) continue;
    const href = el.tagName === 'A' ? (el.getAttribute('href') || '') : '';
    if (href && !href.startsWith('#') && !href.toLowerCase().startsWith('javascript:')) continue;
    if (el.dataset.newsarchiveClicked && !again.test(text)) continue;
    el.dataset.newsarchiveClicked = '1';
    el.click();
    clicked += 1;
  }
  return clicked;
}"""
SCROLL_TO_END = "() => window.scrollTo(0, document.documentElement.scrollHeight)"


async def expand_thread(page, limits: RenderLimits) -> Expansion:
    """Click the thread's expanders and scroll until the page stops growing, within ``limits``."""
    deadline = time.monotonic() + limits.timeout
    done = Expansion()
    await _quiet_network(page, min(limits.settle, limits.timeout))
    while True:
        size = await page.evaluate(DOM_SIZE)
        if limits.max_bytes and size >= limits.max_bytes:
            done.cut_short = f"NEWSARCHIVE_MAX_COMMENT_BYTES = {limits.max_bytes}"
            return done
        budget = limits.max_clicks - done.clicks
        clicked = await page.evaluate(CLICK_EXPANDERS, budget) if budget > 0 else 0
        done.clicks += clicked
        await page.evaluate(SCROLL_TO_END)
        grew = await _grew(page, size, limits.settle, deadline)
        if time.monotonic() >= deadline:
            done.cut_short = f"NEWSARCHIVE_RENDER_TIMEOUT = {limits.timeout:g} s"
            return done
        if not grew and not clicked:
            if budget <= 0:  # an expander may be left unclicked: the thread is kept partial
                done.cut_short = f"NEWSARCHIVE_RENDER_MAX_CLICKS = {limits.max_clicks}"
            return done


async def _quiet_network(page, seconds: float) -> None:
    """Wait, up to ``seconds``, for the page's first requests (its script's data) to end."""
    try:
        await page.wait_for_load_state("networkidle", timeout=seconds * 1000)
    except Exception:  # a page that keeps polling: the expansion loop waits for growth instead
        pass


async def _grew(page, size: int, settle: float, deadline: float) -> bool:
    """True when the DOM grows past ``size`` within ``settle`` seconds; then waits until it holds
    still for a moment (a batch of comments inserted one by one)."""
    end = min(time.monotonic() + settle, deadline)
    while time.monotonic() < end:
        await asyncio.sleep(0.1)
        if await page.evaluate(DOM_SIZE) != size:
            break
    else:
        return False
    stable, last = 0, None
    while stable < 3 and time.monotonic() < deadline:
        now = await page.evaluate(DOM_SIZE)
        stable = stable + 1 if now == last else 0
        last = now
        await asyncio.sleep(0.1)
    return True


def rendered_page(url: str, status: int, html: str, fetched_at: str) -> FetchedPage:
    """The DOM the browser built, as a page of the capture marked rendered."""
    headers = [("Content-Type", "text/html; charset=utf-8"), (RENDERED_HEADER, "1")]
    return FetchedPage(url=url, status=status, headers=headers, body=html.encode("utf-8"),
                       fetched_at=fetched_at, request_url=url)


async def data_pages(responses: list, fetched_at: str) -> list[FetchedPage]:
    """The answers the page received that an adapter reads (a widget's data), in arrival order."""
    pages = []
    for response in responses:
        content_type = (response.headers.get("content-type") or "").lower()
        if response.status >= 400 or adapter_of(response.url) is None \
                or not any(kind in content_type for kind in DATA_TYPES):
            continue
        try:
            body = await response.body()
        except Exception:  # the browser let the body go (a redirect, a closed page): not kept
            continue
        headers = [(name, value) for name, value in response.headers.items()]
        pages.append(FetchedPage(url=response.url, status=response.status, headers=headers, body=body,
                                 fetched_at=fetched_at, request_url=response.url))
    return pages


class RenderingSpider:
    """What ``ArchiveSpider`` does with an article page once its HTML and data pages are in: the
    capture as it is, a request to render it, or the capture with the reason it needs a browser."""

    render = "auto"
    _render_count = 0

    @cached_property
    def render_host_map(self) -> HostMap:
        return crawl_host_map(self.settings, self)

    @cached_property
    def render_limits(self) -> RenderLimits:
        return RenderLimits.from_settings(self.settings)

    @cached_property
    def missing_browser(self) -> str | None:
        return missing_browser(self.settings)

    def render_or_finish(self, capture: Capture):
        """Yield the finished capture, or the request that renders it first (see RENDER_MODES)."""
        why = self.render_reason(capture)
        if why is None:
            yield capture
            return
        if self.render == "never" or self.missing_browser:
            yield self.needs_browser(capture, why)
            yield capture
            return
        yield self.render_request(capture)

    def render_reason(self, capture: Capture) -> str | None:
        if self.render == "always":
            return "render=always"
        if any(adapter_of(page.url) for page in capture.pages[1:]):
            return None  # an adapter read the widget's thread
        return client_side_thread(capture.pages[0])

    def needs_browser(self, capture: Capture, why: str) -> FetchFailure:
        """The failure that records a thread left unarchived for want of a browser: final for this
        crawl's plan (the article is archived; a crawl with a browser gets the thread at a revisit)."""
        self.crawler.stats.inc_value("newsarchive/render/needs_browser")
        cause = "render=never" if self.render == "never" else self.missing_browser
        reason = f"{NEEDS_BROWSER}: {why} ({cause}); thread not archived"
        capture.comment_pages_complete, capture.thread_capped = False, reason
        self.logger.warning("%s: %s", capture.url, reason)
        return FetchFailure(url=capture.url, reason=reason, spider=self.name, site=capture.site, permanent=True)

    def render_request(self, capture: Capture) -> scrapy.Request:
        """The article again, through headless Chromium, in one of the pooled contexts."""
        contexts = max(1, self.settings.getint("NEWSARCHIVE_RENDER_CONTEXTS"))
        slot = self._render_count % contexts
        self._render_count += 1
        return scrapy.Request(capture.url, callback=self.parse_rendered, errback=self.render_failed,
                              dont_filter=True, priority=20,
                              meta={"capture": capture, "playwright": True, "playwright_include_page": True,
                                    "playwright_context": f"render-{slot}",
                                    "playwright_page_init_callback": self.prepare_page})

    async def prepare_page(self, page, request) -> None:
        """Before the page loads: keep its answers, map hosts, skip images, media and fonts."""
        request.meta["render_responses"] = responses = []
        page.on("response", lambda answer: responses.append(answer))
        await page.route("**/*", self._route)

    async def _route(self, route, request) -> None:
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort()
            return
        if await self._refused_by_robots(request.url):
            await route.abort("blockedbyclient")
            return
        wire_url = self.render_host_map.wire_url(request.url) if self.render_host_map.mapping else None
        if wire_url is None:
            await route.fallback()
            return
        try:
            answer = await route.fetch(url=wire_url)
        except Exception:  # the mapped base is unreachable: the page sees a failed request
            await route.abort()
            return
        await route.fulfill(response=answer)  # under the real URL

    async def _refused_by_robots(self, url: str) -> bool:
        """True when robots.txt forbids a request the rendered page makes, as the crawl's own
        requests are refused (``limits.RobotsGate``, with ROBOTSTXT_OBEY)."""
        gate = self._robots_gate
        if gate is None or await gate.allows(url):
            return False
        self.crawler.stats.inc_value("newsarchive/render/refused_by_robots")
        return True

    @cached_property
    def _robots_gate(self) -> RobotsGate | None:
        middlewares = self.crawler.engine.downloader.middleware.middlewares
        return next((m for m in middlewares if isinstance(m, RobotsGate)), None)

    async def parse_rendered(self, response):
        """The rendered DOM (and the data an adapter reads) join the capture."""
        from .crawl import utc_now
        capture, page = response.meta["capture"], response.meta["playwright_page"]
        try:
            expansion = await expand_thread(page, self.render_limits)
            html = await page.content()
            data = await data_pages(response.meta.get("render_responses", []), utc_now())
        except Exception as error:  # the page crashed or closed under us: the thread is kept partial
            for item in self._render_lost(capture, f"{type(error).__name__}: {error}"):
                yield item
            return
        finally:
            await self._release(page)
        capture.pages.append(rendered_page(capture.url, response.status, html, utc_now()))
        capture.pages.extend(data)
        stats = self.crawler.stats
        stats.inc_value("newsarchive/render/pages")
        stats.inc_value("newsarchive/render/clicks", expansion.clicks)
        stats.inc_value("newsarchive/render/data_pages", len(data))
        if expansion.cut_short:
            yield self.comments_capped(capture, "render", f"{expansion.cut_short} while rendering")
        yield capture

    @staticmethod
    async def _release(page) -> None:
        """Close the page (its renderer process goes with it); its context stays, pooled."""
        try:
            await page.close()
        except Exception:  # already closed with the browser
            pass

    def render_failed(self, failure):
        meta = failure.request.meta
        page = meta.get("playwright_page")
        if page is not None:
            asyncio.ensure_future(self._release(page))
        yield from self._render_lost(meta["capture"], failure.getErrorMessage())

    def _render_lost(self, capture: Capture, message: str):
        capture.comment_pages_complete = False
        self.crawler.stats.inc_value("newsarchive/render/failed")
        reason = f"render failed: {message}"[:500]
        self.logger.warning("%s: %s", capture.url, reason)
        yield FetchFailure(url=capture.url, reason=reason, spider=self.name, site=capture.site)
        yield capture


class _CrawlerWithSettings:
    """The crawler, seen with other settings (scrapy-playwright reads its own from the crawler)."""

    def __init__(self, crawler, settings):
        self._crawler, self.settings = crawler, settings

    def __getattr__(self, name):
        return getattr(self._crawler, name)


def playwright_settings(settings):
    """The crawl's settings as scrapy-playwright reads them: contexts capped at
    NEWSARCHIVE_RENDER_CONTEXTS, navigation bounded by NEWSARCHIVE_RENDER_TIMEOUT."""
    copy = Settings(settings.copy_to_dict())
    copy.set("PLAYWRIGHT_MAX_CONTEXTS", max(1, settings.getint("NEWSARCHIVE_RENDER_CONTEXTS")))
    copy.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getfloat("NEWSARCHIVE_RENDER_TIMEOUT") * 1000)
    return copy


class RenderingDownloadHandler(HostMapDownloadHandler):
    """The host-map handler, which hands requests marked ``playwright`` to scrapy-playwright's.

    That handler (and Playwright's driver, and Chromium) is started with the first such request
    only: a crawl that renders nothing launches nothing.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self._crawler_for_browser = crawler
        self._browser_handler = None
        self._browser_lock = asyncio.Lock()

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        handler = await self._browser()
        return await handler.download_request(request)

    async def _browser(self):
        async with self._browser_lock:
            if self._browser_handler is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
                crawler = self._crawler_for_browser
                handler = ScrapyPlaywrightDownloadHandler(
                    _CrawlerWithSettings(crawler, playwright_settings(crawler.settings)))
                await handler._maybe_launch_in_thread()  # the engine_started it waits for is past
                self._browser_handler = handler
        return self._browser_handler

    async def close(self) -> None:
        if self._browser_handler is not None:
            await self._browser_handler.close()
        await super().close()


__all__ = ["NEEDS_BROWSER", "RENDERED_HEADER", "RENDER_MODES", "RenderingDownloadHandler", "RenderingSpider",
           "check_render_mode", "client_side_thread"]
