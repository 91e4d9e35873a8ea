"""The sellers' outbound webhook (issue 18) against a local HTTP receiver: every dispute step
is POSTed, signed like the inbound order webhook, by the job runner (never in the request that
made the step), retried with a growing delay when the receiver fails, at least once, with the
event id as idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from bot.store.jobs import retry_delay
from tests.bot.conftest import make_services
from tests.bot.disputes.conftest import agent_case, open_dispute, run_jobs
from tests.utils.builders import Chat

SECRET = "seller-webhook-secret-0123456789"


class Receiver:
    """A seller's endpoint: records each POST; answers the queued statuses, then 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/disputes"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.requests]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def hooked_client(settings, world_db, nlu, answerer, risk_model, clock, receiver):
    services = make_services(world_db, nlu, answerer, risk_model)
    services.clock = clock
    configured = settings.model_copy(
        update={
            "scheduler_poll_s": 0,
            "seller_webhook_url": receiver.url,
            "seller_webhook_secret": SECRET,
        }
    )
    with TestClient(create_app(configured, services)) as client:
        yield client


def _signed_right(headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers["X-Signature-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(headers["X-Signature"], f"sha256={expected.hexdigest()}")


def test_each_step_reaches_the_seller_signed_once_retrying_on_failure(
    hooked_client, buyer_headers, agent_headers, seller_headers, receiver, clock
):
    chat = Chat(hooked_client, buyer_headers)
    case = agent_case(hooked_client, chat, agent_headers)
    dispute = open_dispute(hooked_client, case["case_id"], agent_headers, amount=150)
    # Opening answered at once; nothing is sent until the runner runs the queued step.
    assert receiver.requests == []
    receiver.statuses = [503]  # the seller's endpoint is briefly down
    assert run_jobs(hooked_client) == 0
    assert len(receiver.requests) == 1
    assert run_jobs(hooked_client) == 0  # not yet: the retry waits
    clock.advance(retry_delay(1) + timedelta(seconds=1))
    assert run_jobs(hooked_client) == 1
    assert len(receiver.requests) == 2

    path = f"/v1/seller/disputes/{dispute['dispute_id']}/accept"
    assert hooked_client.post(path, headers=seller_headers).status_code == 200
    assert run_jobs(hooked_client) == 1
    assert run_jobs(hooked_client) == 0  # sent once

    for headers, body in receiver.requests:
        assert _signed_right(headers, body)
        assert headers["Idempotency-Key"] == json.loads(body)["idempotency_key"]
    opened, retried, accepted = receiver.bodies()
    assert opened == retried  # the same step again: the receiver drops it by its key
    assert [b["event"]["kind"] for b in (opened, accepted)] == ["opened", "accept"]
    assert opened["idempotency_key"] != accepted["idempotency_key"]
    assert accepted["dispute"]["status"] == "seller_accepted"
    assert accepted["seller_id"] == "S3" and "buyer_id" not in accepted["dispute"]


def test_the_delay_between_retries_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]


def test_without_a_webhook_nothing_is_queued(app_client, buyer_chat, agent_headers):
    case = agent_case(app_client, buyer_chat, agent_headers)
    open_dispute(app_client, case["case_id"], agent_headers)
    kinds = {job.kind for job in app_client.app.state.job_runner.jobs.pending()}
    assert kinds == {"dispute_reminder", "dispute_timeout"}
