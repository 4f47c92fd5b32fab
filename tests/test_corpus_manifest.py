"""The comment-thread corpus manifest: well formed, no reserved repository, and a benchmark that skips cleanly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
from fill_corpus import manifest, problems  # noqa: E402


def test_every_listed_page_is_usable_and_has_its_gold_thread():
    data = manifest()
    reserved = set(data["reserved_for_evaluation"])
    for entry in data["pages"]:
        assert problems(entry, reserved) == [], entry
        assert (REPO / "tests" / "corpus" / "gold" / f"{Path(entry['page']).stem}.json").is_file()


def test_a_reserved_repository_is_refused():
    entry = {"page": "a.html", "repository": "adbar/trafilatura", "path": "tests/a.html", "commit": "0" * 40,
             "sha256": "0" * 64, "licence": "Apache-2.0", "url": "https://example.org/a"}
    assert problems(entry, set(manifest()["reserved_for_evaluation"])) == [
        "adbar/trafilatura is reserved for evaluation"]


def test_benchmark_skips_and_says_why_without_the_cache(tmp_path):
    env = {**os.environ, "NEWSARCHIVE_CORPUS_CACHE": str(tmp_path / "absent"), "NEWSARCHIVE_BENCH_RECORD": "0"}
    done = subprocess.run([sys.executable, str(REPO / "tests" / "bench" / "accuracy_comments.py"), "--corpus"],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    assert done.stdout.startswith("skipped: ")
    assert json.loads((REPO / "tests" / "corpus" / "manifest.json").read_text())["pages"] == [] or \
        "tools/fill_corpus.py" in done.stdout


def test_fill_reads_a_page_from_a_local_mirror_unpacks_it_and_checks_its_digest(tmp_path):
    import gzip
    import hashlib

    from fill_corpus import page_bytes

    page = b"<html><body><ol class='commentlist'><li id='comment-1'>Bonjour</li></ol></body></html>"
    work = tmp_path / "work"
    work.mkdir()
    (work / "page.html.gz").write_bytes(gzip.compress(page))
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    subprocess.run(git + ["add", "page.html.gz"], check=True)
    subprocess.run(git + ["commit", "-qm", "page"], check=True)
    commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirrors = tmp_path / "mirrors"
    (mirrors / "someone+pages").mkdir(parents=True)
    (work / ".git").rename(mirrors / "someone+pages" / "repo")
    entry = {"repository": "someone/pages", "path": "page.html.gz", "commit": commit}
    body = page_bytes(entry, mirrors)
    assert body == page
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(page).hexdigest()


def test_every_gold_thread_is_well_formed():
    """Ids are unique, every parent is a comment of the same page, a comment has a text to be matched on, and a
    page said to hold no thread lists no comment."""
    for entry in manifest()["pages"]:
        gold = json.loads((REPO / "tests" / "corpus" / "gold" / f"{Path(entry['page']).stem}.json").read_text())
        assert gold["page"] == entry["page"] and gold["language"] == entry["language"], entry["page"]
        ids = [comment["id"] for comment in gold["comments"]]
        assert len(ids) == len(set(ids)), entry["page"]
        assert gold["comments_in_html"] or not ids, entry["page"]
        for comment in gold["comments"]:
            assert comment["type"] in ("comment", "empty", "pingback", "trackback"), (entry["page"], comment["id"])
            assert comment["type"] != "comment" or comment["text_start"], (entry["page"], comment["id"])
            assert comment["parent"] is None or comment["parent"] in ids, (entry["page"], comment["id"])
