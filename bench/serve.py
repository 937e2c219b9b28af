"""Start consult under gunicorn on a free port, as it runs in production, for the load and
scale checks (bench/load.py and tests/reliability/)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn wsgi:app` with W workers of T threads, configured by the environment only.

    Use as a context manager: it waits until the application answers and stops it on exit;
    what gunicorn and the application log goes to log_path.
    """

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        workers: int = 3,
        threads: int = 8,
        secret_key: str = "bench secret key, the same for every process",
        environment: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.command = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(workers),
            "--threads", str(threads),
            "--bind", f"127.0.0.1:{self.port}",
            "--graceful-timeout", "5",
            # Longer than any pause of a client between two requests, as behind a proxy
            # (whose idle timeout it must exceed): else a kept-alive connection may be
            # closed just as the client sends on it, and the request is lost in transit.
            "--keep-alive", "75",
            "wsgi:app",
        ]
        self.environment = {
            **os.environ,
            "CONSULT_ENV": "production",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database_url,
            "MAIL_OUTBOX_DIR": str(log_path.parent / "outbox"),
            "PUBLIC_URL": self.base_url,
            **(environment or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.environment, stdout=log, stderr=log
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.log()}")
            try:
                if requests.get(self.base_url + "/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still starting
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        """Ask gunicorn to finish its requests and stop; kill it if it does not."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
