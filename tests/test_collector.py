"""The crawl's garbage-collector tuning: on while the spider runs, cycles still collected, undone after."""
from __future__ import annotations

import gc
import weakref

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newsarchive.collector import CollectorTuning
from newsarchive.runner import project_settings


class _Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def _dropped_cycle() -> weakref.ref:
    return weakref.ref(_Node())


def test_cycles_are_still_collected_while_the_spider_runs_and_python_defaults_come_back_after():
    before = gc.get_threshold()
    tuning = CollectorTuning.from_crawler(get_crawler(settings_dict={"NEWSARCHIVE_GC_THRESHOLD": 10000}))
    tuning.spider_opened()
    try:
        assert gc.get_threshold() == (10000, *before[1:]) and gc.get_freeze_count() > 0
        cycle = _dropped_cycle()
        kept = [[] for _ in range(3 * 10000)]  # allocations, as a crawl makes them
        assert cycle() is None and len(kept) == 30000
    finally:
        tuning.spider_closed()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_project_tunes_it_and_zero_keeps_pythons_collector():
    assert project_settings("x.db").getint("NEWSARCHIVE_GC_THRESHOLD") == 10000
    with pytest.raises(NotConfigured):
        CollectorTuning.from_crawler(get_crawler(settings_dict={"NEWSARCHIVE_GC_THRESHOLD": 0}))
