"""Hostile-input corpus: a test server of bad responses and the crawl tests that face it."""
