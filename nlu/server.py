"""Start and stop a local Rasa server (``rasa run --enable-api``) on a loopback port.

Used by the launcher (``make run``), the integration tests, the evaluation and the benchmark,
so there is one way to run Rasa. The API always requires a token (``--auth-token``): the one
given, else a random one per server; clients send it as ``?token=`` (`RasaHttpParser(token=)`).
Rasa takes the token on its command line only, so it is visible to local users in the process
list: keep the machine (or container) to the bot and Rasa.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import httpx

from nlu.model import DEFAULT_RASA_BIN, REPO_ROOT, rasa_env


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class RasaServer:
    """A Rasa NLU server process serving one model."""

    def __init__(
        self,
        model: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        rasa_bin: Path = DEFAULT_RASA_BIN,
        log_file: Path | None = None,
        auth_token: str | None = None,
        cpu_threads: int | None = None,
    ) -> None:
        self.model = model
        # TensorFlow's threads for one op (Rasa's TF_INTRA_OP_PARALLELISM_THREADS); None leaves
        # TensorFlow's default, every core. Several servers on one machine each take their share
        # of the cores instead of all of them, so their ops do not preempt each other.
        if cpu_threads is not None and cpu_threads < 1:
            raise ValueError(f"cpu_threads must be at least 1, got {cpu_threads}")
        self.cpu_threads = cpu_threads
        # Without one, a random token: nothing else on the machine can use this server's API.
        self.auth_token = auth_token or secrets.token_urlsafe(24)
        self.host = host
        self.port = port or free_port(host)
        self.rasa_bin = rasa_bin
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 180.0, *, wait: bool = True) -> RasaServer:
        """Start the server; with ``wait`` (the default) return once its model is loaded."""
        cmd = [
            str(self.rasa_bin), "run", "--enable-api",
            # One argument, not two: a token starting with "-" (1 in 64 of token_urlsafe's)
            # would be read as an option, and Rasa exit with "expected one argument".
            f"--auth-token={self.auth_token}",
            "-m", str(self.model),
            "-i", self.host, "-p", str(self.port),
        ]  # fmt: skip
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=self.environment(), cwd=REPO_ROOT
        )
        if wait:
            self.wait_ready(timeout_s)
        return self

    def environment(self) -> dict[str, str]:
        env = rasa_env()
        if self.cpu_threads is not None:
            env["TF_INTRA_OP_PARALLELISM_THREADS"] = str(self.cpu_threads)
        return env

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"Rasa server exited with code {self.process.returncode} while starting"
                    + (f"; see {self.log_file}" if self.log_file else "")
                )
            try:
                # /status needs the token like /model/parse (Rasa's requires_auth).
                response = httpx.get(
                    f"{self.url}/status", params={"token": self.auth_token}, timeout=1.0
                )
                if response.status_code == 200 and response.json().get("model_file"):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"Rasa server on {self.url} not ready after {timeout_s}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> RasaServer:
        # On a loaded machine a model can take minutes to load (the lab's evaluations start their
        # servers this way): AFTERSALES_RASA_START_TIMEOUT_S lengthens the wait, as in the tests.
        return self.start(float(os.environ.get("AFTERSALES_RASA_START_TIMEOUT_S", "180")))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
