"""Comment-thread parsers, one module per markup family, and the choice between them."""
from __future__ import annotations

from ..items import Comment
from .base import ThreadContext, ThreadParser, assign_positions, content_id, resolve_thread
from .fields import own_parts
from .blogger import BloggerThread
from .cards import CardThread
from .commontator import CommontatorThread
from .d3 import D3Thread
from .discourse import DiscourseThread
from .disqus_rendered import DisqusRenderedThread
from .django_comments import DjangoCommentsThread
from .drupal import DrupalThread
from .echo import EchoThread
from .fos_comment import FosCommentThread
from .futaba import FutabaThread
from .habr import HabrThread
from .hacker_news import HackerNewsThread
from .jcomments import JCommentsThread
from .joyreactor import JoyReactorThread
from .kommune import KommuneThread
from .komento import KomentoThread
from .livefyre import LivefyreThread
from .livejournal import LiveJournalThread
from .mafra import MafraDiscussionThread
from .mediawiki import MediaWikiTalkThread
from .microdata import MicrodataThread
from .novinky import NovinkyThread
from .osnova import OsnovaThread
from .phpbb import PhpBBThread
from .pikabu import PikabuThread
from .prescan import Hits, attribute_hits
from .reddit import RedditThread
from .registry import FAMILIES, register, unregister
from .something_awful import SomethingAwfulThread
from .spip import SpipThread
from .spotim_rendered import SpotImRenderedThread
from .stack_exchange import StackExchangeThread
from .vbulletin import VBulletinThread
from .wordpress import WordPressThread
from .wpdiscuz import WpDiscuzThread
from .xenforo import XenForoThread
from .youtube_rendered import YouTubeRenderedThread

# The families, one line each, tried in this order (most specific first): the first that finds
# items on a page parses it.
register(WpDiscuzThread())
register(StackExchangeThread())
register(JCommentsThread())
register(DrupalThread())
register(WordPressThread())
register(SpipThread())
register(BloggerThread())
register(KomentoThread())
register(DiscourseThread())
register(PhpBBThread())
register(XenForoThread())
register(VBulletinThread())
register(SomethingAwfulThread())
register(DjangoCommentsThread())
register(FosCommentThread())
register(CommontatorThread())
register(MediaWikiTalkThread())
register(HackerNewsThread())
register(RedditThread())
register(MafraDiscussionThread())
register(NovinkyThread())
register(LiveJournalThread())
register(DisqusRenderedThread())
register(FutabaThread())
register(SpotImRenderedThread())
register(D3Thread())
register(KommuneThread())
register(HabrThread())
register(JoyReactorThread())
register(PikabuThread())
register(OsnovaThread())
register(LivefyreThread())
register(EchoThread())
register(YouTubeRenderedThread())
register(MicrodataThread())
register(CardThread())


def choose_parser(tree) -> ThreadParser | None:
    """The first parser that recognises the page's comment markup."""
    return _choose(tree)[0]


def _choose(tree, hits: Hits | None = None) -> tuple[ThreadParser | None, list]:
    hits = hits if hits is not None else attribute_hits(tree)  # one scan serves every family
    for parser in FAMILIES:
        items = parser.items_from(hits) if hits.may_hold_items_of(parser) else []
        if items:
            return parser, items
    return None, []


def parse_thread(tree, ctx: ThreadContext, hits: Hits | None = None) -> list[Comment]:
    """The comments of one page, in page order, by the first parser that recognises the markup
    (``hits``: the page's attribute scans when the caller has them)."""
    parser, items = _choose(tree, hits)
    return parser.parse(tree, ctx, items) if parser is not None else []


def opening_post(tree, ctx: ThreadContext, hits: Hits | None = None) -> Comment | None:
    """The topic's opening post, read as its family reads a post, where a family takes that post for
    the page's article (a forum topic, replied to or not); None otherwise."""
    hits = hits if hits is not None else attribute_hits(tree)
    for family in FAMILIES:
        post = family.opening_post(hits)
        if post is not None:
            return family.comment(post, own_parts(post, set(), set()), ctx)
    return None


def comment_page_links(tree, ctx: ThreadContext) -> list[str]:
    """Absolute URLs of the thread's other comment pages linked from this page."""
    parser = choose_parser(tree)
    return parser.pagination_links(tree, ctx) if parser is not None else []


__all__ = ["FAMILIES", "ThreadContext", "ThreadParser", "assign_positions", "choose_parser",
           "comment_page_links", "content_id", "opening_post", "parse_thread", "register", "resolve_thread",
           "unregister"]
