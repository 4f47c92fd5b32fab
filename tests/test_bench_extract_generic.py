"""bench_extract.py --generic: our generic extraction beside trafilatura's on the pages no family claims."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_generic_section_times_the_fixtures_beside_trafilatura_and_skips_an_absent_corpus(tmp_path):
    env = {**os.environ, "NEWSARCHIVE_CORPUS_CACHE": str(tmp_path / "absent"), "NEWSARCHIVE_BENCH_RECORD": "0"}
    done = subprocess.run([sys.executable, str(REPO / "tests" / "bench" / "bench_extract.py"), "--generic"],
                          capture_output=True, text=True, env=env, timeout=300, check=True)
    out = done.stdout
    assert re.search(r"^comment corpus: skipped: .*tools/fill_corpus\.py", out, re.M), out
    pages = int(re.search(r"^repository fixtures: (\d+) pages no family claims", out, re.M).group(1))
    assert pages >= 10
    assert re.search(r"^trafilatura\.extract \(comments\)\s+[\d.]+\s+1\.00", out, re.M)
    assert re.search(r"^newsarchive generic extract\(\)\s+[\d.]+\s+[\d.]+", out, re.M)
    slowest = out.split("slowest pages (ours)", 1)[1].splitlines()[2:7]  # after the header's rule
    assert len(slowest) == 5 and all(line.split()[0].endswith(".html") for line in slowest), out
    assert re.search(rf"^all {pages} pages: ours ÷ trafilatura [\d.]+; target ≤ 1\.0×: (met|NOT met)$", out, re.M)
