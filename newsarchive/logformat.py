"""Log lines for dropped items that say why, without dumping the item (whole pages) into the log."""
from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class ReasonLogFormatter(LogFormatter):
    """Scrapy's formatter, but a dropped item is logged by its reason alone."""

    def dropped(self, item, exception, response, spider=None):
        return {"level": logging.WARNING, "msg": "%(exception)s", "args": {"exception": exception}}
