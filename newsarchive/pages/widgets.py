"""JavaScript-only comment systems, recognised by their embed markup and never guessed at."""
from __future__ import annotations

WIDGETS: list[tuple[str, str]] = [
    ("disqus", "//*[@id='disqus_thread'] | //script[contains(@src, 'disqus.com')]"
               " | //script[contains(text(), 'disqus_config') or contains(text(), 'disqus_shortname')]"),
    ("facebook", "//*[contains(concat(' ', normalize-space(@class), ' '), ' fb-comments ')]"
                 " | //*[local-name()='fb:comments'] | //amp-facebook-comments"),
    ("commento", "//*[@id='commento'] | //script[contains(@src, 'commento')]"),
    ("hyvor", "//hyvor-talk-comments | //*[@id='hyvor-talk-view']"),
    ("vuukle", "//*[@id='vuukle-comments'] | //script[contains(@src, 'vuukle')]"),
    ("openweb", "//*[@data-spotim-module] | //script[contains(@src, 'spot.im')]"),
    ("livefyre", "//*[@id='livefyre-comments'] | //*[@id='livefyre']"),
    ("giscus", "//script[contains(@src, 'giscus.app')]"),
    ("utterances", "//script[contains(@src, 'utteranc.es')]"),
]


def detect_widget(tree) -> str | None:
    """The name of the first JS-only comment widget embedded in the page, or None."""
    for name, path in WIDGETS:
        if tree.xpath(path):
            return name
    return None
