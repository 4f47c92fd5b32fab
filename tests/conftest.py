"""Shared test helpers: a served replica, running the real CLI, opening archives."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
FAST_CRAWL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=INFO"]

collect_ignore = ["bench"]
MALIWEB = "https://www.maliweb.net"
"""The site a maliweb replica stands for: a crawl with ``-a base_url=`` (the replica) archives its URLs."""


def run_cli(*args: str, db: str | os.PathLike | None = None, timeout: float = 300,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run the real ``newsarchive`` command in a child process."""
    command = [sys.executable, "-m", "newsarchive"]
    if db is not None:
        command += ["--db", str(db)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSARCHIVE_DB", None)
    result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=timeout,
                            cwd=REPO, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"newsarchive {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr[-5000:]}")
    return result


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cli():
    """The ``run_cli`` helper."""
    return run_cli


@pytest.fixture
def redis_url(tmp_path_factory):
    """The URL of a private redis-server started for this test (skipped, saying why, without one)."""
    from redis_server import REDIS_SERVER, start_redis, stop_redis

    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (`.ci/run` installs Debian's redis-server)")
    process, url = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield url
    finally:
        stop_redis(process)
