"""``make run``: start Rasa and the bot, wait until ``/ready`` is green, print the URLs.

Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from bot.settings import REPO_ROOT, Settings, get_settings
from nlu.model import require_model
from nlu.server import RasaServer

RASA_PORT = 5005
RASA_START_TIMEOUT_S = 180.0


def wait_ready(url: str, timeout_s: float, bot: subprocess.Popen[bytes] | None) -> None:
    """Until ``url``/ready answers 200; fails early when the ``bot`` process (if ours) exits."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        if bot is not None and bot.poll() is not None:
            raise RuntimeError(f"the bot exited with code {bot.returncode} while starting")
        try:
            response = httpx.get(f"{url}/ready", timeout=2.0)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as e:
            last = repr(e)
        time.sleep(0.5)
    raise TimeoutError(f"{url}/ready not green after {timeout_s}s: {last}")


def run(settings: Settings) -> int:
    logs = REPO_ROOT / "var" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    rasa_url = httpx.URL(settings.rasa_url)
    rasa = RasaServer(
        require_model(),
        host=rasa_url.host or "127.0.0.1",
        port=rasa_url.port or RASA_PORT,
        log_file=logs / "rasa.log",
        auth_token=settings.rasa_token,
    )
    print(f"starting Rasa on {rasa.url} (log: {logs / 'rasa.log'}) ...", flush=True)
    # Rasa loads its model while the bot loads its own (MiniLM, indexes, risk model): the two
    # start side by side, and the bot's /ready turns green once Rasa answers too.
    started = time.monotonic()
    rasa.start(wait=False)
    env = dict(
        os.environ,
        AFTERSALES_RASA_URL=rasa.url,
        AFTERSALES_RASA_TOKEN=rasa.auth_token,
        HF_HUB_OFFLINE="1",
    )
    bot_url = f"http://{settings.host}:{settings.port}"
    cmd = [
        sys.executable, "-m", "uvicorn", "--factory", "bot.main:app_factory",
        "--host", settings.host, "--port", str(settings.port), "--no-access-log",
    ]  # fmt: skip
    print(f"starting the bot on {bot_url} ...", flush=True)
    bot = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT)
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        rasa.wait_ready(RASA_START_TIMEOUT_S)
        wait_ready(bot_url, 120.0, bot)
        print(
            f"\nready in {time.monotonic() - started:.0f}s:\n"
            f"  bot API      {bot_url}  (docs: {bot_url}/docs)\n"
            f"  readiness    {bot_url}/ready\n"
            f"  Rasa NLU     {rasa.url}\n"
            "press Ctrl-C to stop\n",
            flush=True,
        )
        while not stopping and bot.poll() is None and rasa.process.poll() is None:  # type: ignore[union-attr]
            time.sleep(0.5)
    finally:
        print("stopping ...", flush=True)
        if bot.poll() is None:
            bot.terminate()
            try:
                bot.wait(timeout=15)
            except subprocess.TimeoutExpired:
                bot.kill()
        rasa.stop()
    return 0


def main() -> int:
    return run(get_settings())


if __name__ == "__main__":
    sys.exit(main())
