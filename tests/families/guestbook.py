"""A toy comment family, declared in one file: guestbook entries ``div#gb-entry-N``, pages ``?gbpage=N``."""
from __future__ import annotations

import re

from lxml import etree

from newsarchive.threads.base import ThreadContext, strip_fragment
from newsarchive.threads.fields import cls
from newsarchive.threads.items import ItemThread
from newsarchive.threads.prescan import owners

ENTRY_ID = re.compile(r"^gb-entry-(\d+)$")
PAGER = etree.XPath("//*[@class='gb-pager']//a[contains(@href, 'gbpage=')]")


class GuestbookThread(ItemThread):
    """Flat entries: ``div#gb-entry-N`` > ``span.gb-name`` + ``p.gb-text``."""

    name = "guestbook"
    author_rules = [cls("gb-name")]
    content_rules = [cls("gb-text")]
    prescan = {"id": ("gb-entry-",)}
    item_marks = {b"gb-entry-": (b'="', b"='")}
    item_id_pattern = ENTRY_ID
    section_ids = frozenset({"guestbook"})
    page_query_marks = (b"gbpage=",)
    page_href = rb"[?&](?:amp;)?gbpage=\d+"
    page_number_pattern = re.compile(r"[?&]gbpage=(\d+)")

    def items_from(self, hits) -> list:
        return owners(hits, "id", ENTRY_ID.match, frozenset({"div"}))

    def item_id(self, item) -> str | None:
        return ENTRY_ID.match(item.get("id")).group(1)

    def pagination_links(self, tree, ctx: ThreadContext) -> list[str]:
        links = [ctx.absolute(a.get("href")) for a in PAGER(tree)]
        return list(dict.fromkeys(strip_fragment(link) for link in links if link))
