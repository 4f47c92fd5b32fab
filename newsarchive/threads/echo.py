"""Echo (Aboutecho StreamServer) streams as rendered into the page: ``div.echo-item-content`` nested in ``echo-item-children``."""
from __future__ import annotations

from .fields import classes, cls, is_meta
from .items import ItemThread
from .prescan import owners

CONTENT = "echo-item-content"
DIV = frozenset({"div"})
NOT_TEXT = frozenset({"echo-item-avatar-wrapper", "echo-item-footer", "echo-item-controls", "echo-item-markers",
                      "echo-item-tags", "echo-item-metadata", "echo-item-modeSwitch"})


class EchoThread(ItemThread):
    """An item's frame holds its author name, body and footer date; its replies are items of its
    ``echo-item-children`` box (nesting read from containment). Items carry no id: a content hash."""

    name = "echo"
    prescan = {"class": (CONTENT,)}
    item_marks = {CONTENT.encode(): (b'"', b" ")}
    section_classes = frozenset({"echo-stream-body"})
    author_rules = [cls("echo-item-authorName")]
    content_rules = [cls("echo-item-text"), cls("echo-item-body")]
    date_rules = [cls("echo-item-date")]

    def items_from(self, hits) -> list:
        found = owners(hits, "class", lambda value: CONTENT in value, DIV)
        return [item for item in found if CONTENT in classes(item) and _has_container(item)]

    @staticmethod
    def skip(element) -> bool:
        return is_meta(element) or not classes(element).isdisjoint(NOT_TEXT)


def _has_container(item) -> bool:
    return any("echo-item-container" in classes(child) for child in item)


__all__ = ["EchoThread"]
