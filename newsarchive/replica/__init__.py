"""Offline replicas of news sites (a maliweb.net-like WordPress site and a synthetic one) served over HTTP."""
from .maliweb import maliweb_site
from .server import ServedSite, serve
from .site import Resource, Site
from .synthetic import synthetic_site
from .truth import truth

__all__ = ["Resource", "ServedSite", "Site", "maliweb_site", "serve", "synthetic_site", "truth"]
