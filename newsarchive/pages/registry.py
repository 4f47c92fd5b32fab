"""Page objects by name and by the sites and URLs they read (as web-poet's ``handle_urls``)."""
from __future__ import annotations

import importlib
import pkgutil
import re

DEFAULT = "generic"
# Modules of this package that hold no page object of their own.
NOT_PAGES = frozenset({"base", "registry", "widgets"})

PAGE_TYPES: dict[str, type] = {}
"""Every registered page object by its name (the ``page_type`` stored on a capture)."""
SITES: dict[str, str] = {}
"""The site key each page type archives under ("" when it reads any site)."""
_URLS: list[tuple[re.Pattern, str]] = []
_loaded: list[bool] = []  # [True] once every module of the package is imported


def handles(name: str, site: str = "", urls: tuple[str, ...] = ()):
    """Class decorator: register a page object as ``name``, reading ``site`` at the URLs
    matching one of the ``urls`` regexes."""
    def register(page_class: type) -> type:
        page_class.page_type = name
        PAGE_TYPES[name] = page_class
        SITES[name] = site
        _URLS[:] = [(pattern, known) for pattern, known in _URLS if known != name]
        _URLS.extend((re.compile(url), name) for url in urls)
        return page_class
    return register


def load_pages() -> dict[str, type]:
    """Every page object of ``newsarchive.pages``, imported (each module registers its own)."""
    if not _loaded:
        from . import __path__ as package_path
        for module in pkgutil.iter_modules(package_path):
            if module.name not in NOT_PAGES:
                importlib.import_module(f"{__package__}.{module.name}")
        _loaded.append(True)
    return PAGE_TYPES


def page_type_for(url: str) -> str:
    """The page type registered for ``url``'s site, else the generic page."""
    load_pages()
    return next((name for pattern, name in _URLS if pattern.search(url)), DEFAULT)


def page_class(name: str | None) -> type:
    """The page object called ``name`` (the generic page when unknown)."""
    load_pages()
    return PAGE_TYPES.get(name or DEFAULT) or PAGE_TYPES[DEFAULT]


__all__ = ["DEFAULT", "PAGE_TYPES", "SITES", "handles", "load_pages", "page_class", "page_type_for"]
