"""Write rendered day1 maliweb replica pages and their truth into tests/fixtures/maliweb/."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsarchive.replica import maliweb_site, truth

BASE = "https://www.maliweb.net"
FIXTURES = {  # fixture name -> (article name, path suffix); an article's pages in capture order
    "seed": ("seed", ""),
    "seed-comment-page-1": ("seed", "/comment-page-1"),
    "tdb": ("tdb", ""),
    "closed": ("closed", ""),
    "depth5": ("depth5", ""),
    "pingback": ("pingback", ""),
    "facebook-only": ("facebook-only", ""),
    "no-comments": ("no-comments", ""),
    "no-signature": ("no-signature", ""),
    "truncated": ("truncated", ""),
}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "maliweb"


def fixture_files() -> dict[str, tuple[bytes, dict]]:
    """Every fixture as ``name -> (html bytes, truth dict)``, rendered from the day1 replica."""
    site, expected = maliweb_site("day1"), truth("day1", BASE)
    by_name = {a["name"]: a for a in expected["articles"]}
    out = {}
    for name, (article, suffix) in FIXTURES.items():
        art = by_name[article]
        url = art["url"] + suffix
        res = site.resolve(art["path"] + suffix, BASE)
        meta = {"url": url, "status": res.status, "content_type": res.content_type,
                "capture_pages": [f"{n}.html" for n, (a, _) in FIXTURES.items() if a == article],
                "page_comments": [c for c in art["comments"] if c["page_url"] == url],
                "article": art}
        out[name] = (res.body, meta)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    out_dir = parser.parse_args().out
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (body, meta) in fixture_files().items():
        (out_dir / f"{name}.html").write_bytes(body)
        (out_dir / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}.html  {len(body):>7} bytes  {len(meta['page_comments']):>2} comments on page")


if __name__ == "__main__":
    main()
