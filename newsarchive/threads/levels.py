"""Flat comment lists whose nesting is a level each item shows (indentation, depth class, margin)."""
from __future__ import annotations

from ..items import Comment
from .base import ThreadContext
from .items import ItemThread
from .structural import THREAD_MARK


class LeveledThread(ItemThread):
    """Items are siblings in page order; each shows its level, and answers the nearest item one level
    up before it. Subclasses say how an item's level reads (``level``)."""

    def level(self, item) -> int:
        """The item's level, 1 at top (higher: deeper)."""
        raise NotImplementedError

    def shown(self, item) -> bool:
        """False for an item holding only its place (a collapsed comment whose text is not on the page)."""
        return True

    def levels(self, items: list) -> list[int]:
        """Every item's level (a family whose levels compare items overrides this instead)."""
        return [self.level(item) for item in items]

    def parse(self, tree, ctx: ThreadContext, items: list | None = None) -> list[Comment]:
        items = self.items(tree) if items is None else items
        comments: list[Comment] = []
        open_ids: list[str] = []  # open_ids[d - 1]: the last comment seen at depth d
        for item, level in zip(items, self.levels(items)):
            depth = max(1, min(level, len(open_ids) + 1))  # a skipped level is no level
            del open_ids[depth - 1:]
            if not self.shown(item):
                open_ids.append(self.item_id(item) or "")
                continue
            comment = self.comment(item, [item], ctx)
            comment.parent_comment_id = open_ids[-1] if open_ids else None
            comment.depth = depth
            open_ids.append(comment.comment_id)
            comments.append(comment)
            item.set(THREAD_MARK, "")  # flat rows hold no section to name: the body reader leaves each out
        return comments


__all__ = ["LeveledThread"]
