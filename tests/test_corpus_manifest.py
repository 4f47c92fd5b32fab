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
