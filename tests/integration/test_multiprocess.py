"""The multi-process mode (`make run-multi`): two bot processes (uvicorn workers on one port)
and two Rasa servers over one PostgreSQL database, started by the launcher as a user starts
them, and raced over real HTTP: one order is cancelled once however many conversations confirm
it at the same moment on whichever process, and buyers talking at once get answers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, func, select, text

from bot.launcher import wait_ready
from bot.settings import REPO_ROOT, Settings
from bot.store.local_postgres import free_port
from bot.store.migrate import upgrade
from bot.store.models import ActionRow, ActionType
from tests.e2e.support import Chat, Item, Shop

pytestmark = pytest.mark.integration

WORKERS = 2
RASA_SERVERS = 2
LAUNCHED: list[int] = []  # the launcher's pid, once the stack is up


@pytest.fixture(scope="module")
def multi_database(postgresql_url: str) -> str:
    """A database of its own in the session's cluster (the other tests truncate theirs)."""
    name = f"multi_{secrets.token_hex(4)}"
    engine = create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    url = postgresql_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def stack(multi_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(
        env="test",
        port=free_port(),
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_token=secrets.token_urlsafe(24),
        database_url=multi_database,
        jwt_secret=secrets.token_urlsafe(32),
        webhook_secret=secrets.token_urlsafe(24),
        _env_file=None,
    )
    env = dict(
        os.environ,
        AFTERSALES_ENV="test",
        AFTERSALES_PORT=str(settings.port),
        AFTERSALES_RASA_URL=settings.rasa_url,
        AFTERSALES_RASA_TOKEN=settings.rasa_token,
        AFTERSALES_DATABASE_URL=settings.database_url,
        AFTERSALES_JWT_SECRET=settings.jwt_secret,
        AFTERSALES_WEBHOOK_SECRET=settings.webhook_secret,
        AFTERSALES_LOG_LEVEL="WARNING",
        HF_HUB_OFFLINE="1",
    )
    log = tmp_path_factory.mktemp("multi") / "launcher.log"
    with open(log, "wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher", "--workers", str(WORKERS),
             "--rasa-servers", str(RASA_SERVERS)],
            env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        # Two Rasa servers and two bots load their models at once on a shared machine.
        wait_ready(f"http://127.0.0.1:{settings.port}", 900.0, launcher)
        LAUNCHED.append(launcher.pid)
        yield settings
    except Exception:
        print(log.read_text(errors="replace")[-5000:])
        raise
    finally:
        launcher.terminate()
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()


def _url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.port}"


def test_the_launcher_starts_the_bot_processes_and_the_rasa_servers(stack):
    ready = httpx.get(f"{_url(stack)}/ready", timeout=10)
    assert ready.status_code == 200, ready.text
    launcher = psutil.Process(LAUNCHED[-1])
    commands = [" ".join(process.cmdline()) for process in launcher.children(recursive=True)]
    # uvicorn's master spawns its workers with multiprocessing; Rasa servers are `rasa run`.
    # Only the master's own children are workers: a worker spawns children of its own the same
    # way (the analytics refresh's separate process, `bot.analytics.offload`), which counted as
    # a third worker when the refresh ran as the test looked (stop 53's fresh-clone CI).
    masters = [p for p in launcher.children() if "uvicorn" in " ".join(p.cmdline())]
    assert len(masters) == 1, commands
    workers = [
        " ".join(p.cmdline())
        for p in masters[0].children()
        if "spawn_main" in " ".join(p.cmdline())
    ]
    rasas = [c for c in commands if " run --enable-api" in c]
    assert len(workers) == WORKERS, commands
    # The English servers (--rasa-servers) and the multilingual one (issue 16).
    assert len(rasas) == RASA_SERVERS + 1, commands


def test_one_order_is_cancelled_once_whichever_process_takes_each_yes(stack):
    shop = Shop(_url(stack), stack)
    buyer = shop.new_buyer("multi-race")
    shop.loyal_history(buyer)
    order = shop.order(buyer, Item("Desk lamp", "30"), status="pending", placed=1)
    chats = [Chat(_url(stack), stack, buyer) for _ in range(4)]
    try:
        proposed = [chat.say(f"please cancel order {order}") for chat in chats]
        waiting = [c for c, t in zip(chats, proposed, strict=True) if t.expecting == "confirmation"]
        assert waiting, [t.text for t in proposed]
        with ThreadPoolExecutor(max_workers=len(chats)) as pool:
            answers = list(pool.map(lambda chat: chat.say("yes"), chats))
        moved = [a for turn in answers for a in turn.actions if a["type"] == "cancel"]
        # At most one: a "yes" to a proposal another chat superseded is checked again and
        # proposed anew, so the race may also end with nothing done yet.
        assert len(moved) <= 1, [t.text for t in answers]
        # Each chat confirms again, one after the other (twice if its offer was checked again
        # and proposed anew): the order is cancelled exactly once.
        for chat in chats:
            for _ in range(2):
                if chat.turns[-1].expecting == "confirmation":
                    moved += [a for a in chat.say("yes").actions if a["type"] == "cancel"]
        assert len(moved) == 1, [chat.transcript() for chat in chats]
    finally:
        for chat in chats:
            chat.close()
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            cancels = connection.scalar(
                select(func.count())
                .select_from(ActionRow)
                .where(ActionRow.order_id == order, ActionRow.type == ActionType.CANCEL)
            )
    finally:
        engine.dispose()
    assert cancels == 1


def test_buyers_talking_at_once_all_get_answers(stack):
    shop = Shop(_url(stack), stack)

    def one_buyer(index: int) -> list[int]:
        buyer = shop.new_buyer(f"multi-{index}")
        shop.order(buyer, Item("Bath towel", "22"), status="shipped", placed=3)
        chat = Chat(_url(stack), stack, buyer)
        try:
            turns = [
                chat.say("how long do refunds take to reach my card?"),
                chat.say("where is my parcel"),
            ]
            return [len(turn["messages"]) for turn in turns]
        finally:
            chat.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(one_buyer, range(16)))
    assert all(count >= 1 for counts in replies for count in counts)
