"""A replica site that answers after a fixed latency and counts the requests it is answering at once."""
from __future__ import annotations

import threading
import time

from .site import Resource, Site


class SlowSite(Site):
    """``site``, each answer ``latency`` seconds late; ``most_at_once`` is the most requests it was
    answering at the same moment (``reset()`` starts counting again) and ``arrivals`` the
    monotonic time each request arrived at."""

    def __init__(self, site: Site, latency: float):
        self.site, self.latency = site, latency
        self.at_once = 0
        self.most_at_once = 0
        self.arrivals: list[float] = []
        self._lock = threading.Lock()

    def resolve(self, path_and_query: str, base_url: str) -> Resource | None:
        self._arrived()
        try:
            time.sleep(self.latency)
            return self.site.resolve(path_and_query, base_url)
        finally:
            with self._lock:
                self.at_once -= 1

    def not_found(self, base_url: str) -> Resource:
        return self.site.not_found(base_url)

    def reset(self) -> None:
        with self._lock:
            self.most_at_once = self.at_once
            self.arrivals = []

    def _arrived(self) -> None:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.at_once += 1
            self.most_at_once = max(self.most_at_once, self.at_once)
