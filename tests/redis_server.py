"""A private redis-server for tests: on a free loopback port, in a temporary folder, stopped afterwards."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from conftest import free_port

REDIS_SERVER = shutil.which("redis-server")


def _answers(port: int) -> bool:
    """True once the server replies PONG on ``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(folder: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """A redis-server bound to 127.0.0.1 with its files in ``folder``; the process and its URL."""
    port = port or free_port()
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder), "--protected-mode", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
