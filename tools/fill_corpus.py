"""Fill the local cache of the comment-thread corpus from the public repositories its manifest names."""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "tests" / "corpus" / "manifest.json"
RAW = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"


def cache_dir() -> Path:
    """Where the pages are kept: $NEWSARCHIVE_CORPUS_CACHE, else ~/.cache/newsarchive/corpus."""
    configured = os.environ.get("NEWSARCHIVE_CORPUS_CACHE")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(configured) if configured else base / "newsarchive" / "corpus"


def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def problems(entry: dict, reserved: set[str]) -> list[str]:
    """Why an entry cannot be used (empty: it can)."""
    found = [f"no {field}" for field in ("page", "repository", "path", "commit", "sha256", "licence", "url")
             if not entry.get(field)]
    if entry.get("repository") in reserved:
        found.append(f"{entry['repository']} is reserved for evaluation")
    if len(entry.get("commit") or "") != 40:
        found.append("commit is not a full 40-hex id")
    return found


def mirror_git_dir(mirrors: Path, repository: str) -> Path:
    """The git directory of ``repository`` under ``mirrors``: ``owner+name/repo`` as `fetch` lays it out
    (bare, or a checkout holding ``.git``), else ``owner+name`` itself."""
    folder = mirrors / repository.replace("/", "+")
    for candidate in (folder / "repo" / ".git", folder / "repo", folder / ".git"):
        if candidate.is_dir():
            return candidate
    return folder


def stored_bytes(entry: dict, mirrors: Path | None) -> bytes:
    """The file as the repository keeps it at the pinned commit: from a local mirror, else from GitHub."""
    if mirrors is None:
        return urllib.request.urlopen(RAW.format(**entry), timeout=60).read()
    git_dir = mirror_git_dir(mirrors, entry["repository"])
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{entry['commit']}:{entry['path']}"],
                          capture_output=True, check=True).stdout


def page_bytes(entry: dict, mirrors: Path | None = None) -> bytes:
    """The page's bytes (a repository that keeps it gzipped is read through gzip)."""
    body = stored_bytes(entry, mirrors)
    return gzip.decompress(body) if entry["path"].endswith(".gz") else body


def fill(target: Path, only_missing: bool = True, mirrors: Path | None = None) -> int:
    """Copy every manifest page into ``target``/html, checking its digest; the number of failures."""
    data = manifest()
    reserved = set(data["reserved_for_evaluation"])
    (target / "html").mkdir(parents=True, exist_ok=True)
    failures = 0
    for entry in data["pages"]:
        wrong = problems(entry, reserved)
        destination = target / "html" / entry.get("page", "")
        if wrong:
            print(f"{entry.get('page')}: skipped: {'; '.join(wrong)}", file=sys.stderr)
            failures += 1
            continue
        if only_missing and destination.is_file():
            continue
        try:
            body = page_bytes(entry, mirrors)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"{entry['page']}: not read: {error}", file=sys.stderr)
            failures += 1
            continue
        if hashlib.sha256(body).hexdigest() != entry["sha256"]:
            print(f"{entry['page']}: digest differs from the manifest: not kept", file=sys.stderr)
            failures += 1
            continue
        destination.write_bytes(body)
    print(f"{len(data['pages']) - failures} of {len(data['pages'])} pages in {target / 'html'}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (default: see cache_dir)")
    parser.add_argument("--refresh", action="store_true", help="fetch pages already in the cache again")
    parser.add_argument("--from-mirror", type=Path, default=None, metavar="DIR",
                        help="read each page with git from DIR/<owner>+<name> (a local mirror) instead of GitHub")
    arguments = parser.parse_args()
    failures = fill(arguments.cache or cache_dir(), not arguments.refresh, arguments.from_mirror)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
