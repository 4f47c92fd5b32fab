"""Every command of the README's "Everyday use" section, run as written against a served replica."""
from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

from conftest import REPO
from newsarchive.replica import maliweb_site, serve

NOT_RUN = {
    "newsarchive crawl generic -a urls=https://blog.example.org/2024/05/post/,https://…":
        "needs the network (blog.example.org)",
    "newsarchive crawl generic -a feed=https://www.example.org/feed/": "needs the network (www.example.org)",
    "newsarchive crawl generic -a sitemap=https://www.example.org/sitemap_index.xml":
        "needs the network (www.example.org)",
    "newsarchive schedule run": "runs until stopped (its --once form is run)",
    "scrapyd &": "starts a daemon",
    "scrapyd-deploy": "needs a running scrapyd",
    "curl http://localhost:6800/schedule.json -d project=newsarchive -d spider=maliweb -d"
    " setting=NEWSARCHIVE_DB=/srv/news/mali.db": "needs a running scrapyd",
}
"""README commands this test does not run, and why."""
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
CRAWL_EXIT = {0, 3}
"""A crawl's exit status: 3 when it finished but left pages unarchived (the replica's edge cases)."""


def everyday_commands() -> list[str]:
    """The commands of the bash blocks under "## Everyday use", comments dropped, in order."""
    section = README_TEXT.split("## Everyday use", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


README_TEXT = (REPO / "README.md").read_text(encoding="utf-8")


class Everyday:
    """Runs README commands in a working folder, the live site replaced by the served replica."""

    def __init__(self, folder: Path, base_url: str):
        self.folder, self.base_url, self.db = folder, base_url, folder / "mali.db"
        self.env = {**os.environ, "NEWSARCHIVE_DB": str(self.db), "PYTHONUNBUFFERED": "1"}

    def argv(self, command: str) -> tuple[list[str], Path]:
        words = [word.replace("mali.db", str(self.db)).replace("http://127.0.0.1:8000", self.base_url)
                 for word in shlex.split(command)]
        words = [self.article_url() if re.match(r"https://www\.maliweb\.net/.|URL$", word) else word
                 for word in words]
        if "maliweb" in words and ("crawl" in words or "add" in words):
            words += FAST + ([] if any(w.startswith("base_url=") for w in words)
                             else ["-a", f"base_url={self.base_url}"])
        programs = {"newsarchive": ([sys.executable, "-m", "newsarchive"], self.folder),
                    "scrapy": ([sys.executable, "-m", "scrapy"], REPO),
                    "sqlite-utils": ([str(Path(sys.executable).parent / "sqlite-utils")], self.folder)}
        program, cwd = programs[words[0]]
        return program + words[1:], cwd

    def article_url(self) -> str:
        with sqlite3.connect(self.db) as conn:
            return conn.execute("SELECT a.url FROM articles a JOIN comments c ON c.article_id = a.id"
                                " GROUP BY a.id ORDER BY COUNT(*) DESC, a.id LIMIT 1").fetchone()[0]

    def run(self, command: str) -> subprocess.CompletedProcess:
        argv, cwd = self.argv(command)
        return subprocess.run(argv, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=600)


def test_every_everyday_command_of_the_readme_runs(tmp_path):
    commands = everyday_commands()
    assert set(NOT_RUN) <= set(commands), set(NOT_RUN) - set(commands)
    with serve(maliweb_site("day1")) as served:
        page = urllib.request.urlopen(served.base_url + "/").read()
        for name in ("saved-page.html", "a.html", "b.html", "c.html"):
            (tmp_path / name).write_bytes(page)
        everyday = Everyday(tmp_path, served.base_url)
        ran = []
        for command in commands:
            if command in NOT_RUN:
                continue
            result = everyday.run(command)
            crawls = "crawl" in command or "schedule run" in command
            assert result.returncode in (CRAWL_EXIT if crawls else {0}), (
                f"{command}: exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
            assert "Traceback" not in result.stderr, f"{command}\n{result.stderr[-3000:]}"
            ran.append(command)
    assert len(ran) == len(commands) - len(NOT_RUN) >= 15
    with sqlite3.connect(tmp_path / "mali.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] > 10
    assert (tmp_path / "hits.csv").read_text().startswith("kind,url,title,author")
