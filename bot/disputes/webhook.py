"""The sellers' outbound webhook (issue 18): each dispute step, POSTed to the deployment's
seller webhook URL, signed like the inbound order webhook (`bot.signing`).

A step is queued as a job in the transaction that records it (`SELLER_WEBHOOK_JOB`, subject:
the event), so the job runner sends it after the commit, never inside a buyer's turn or a
seller's request. Delivery is at least once: a send that fails (no answer, a non-2xx status)
raises, and the runner tries it again later with a growing delay (`bot.store.jobs`); a receiver
may thus see a step twice and drops repeats by ``Idempotency-Key`` (the event id, also in the
body as ``idempotency_key``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import httpx
import structlog

from bot.signing import sign
from bot.store import disputes as store
from bot.store.db import Database
from bot.store.jobs import Job

log = structlog.get_logger(__name__)

EVENT_TYPE = "dispute.step"


class DeliveryFailed(RuntimeError):
    """The receiver did not take the step (kept in the job's last_error; retried later)."""


class SellerWebhook:
    def __init__(
        self,
        database: Database,
        *,
        url: str,
        secret: str,
        clock: Callable[[], datetime],
        timeout_s: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.database = database
        self.url = url
        self.secret = secret
        self.clock = clock
        self.timeout_s = timeout_s
        self.transport = transport

    def body(self, event_id: str) -> dict | None:
        """What the seller receives for the step: the event and the dispute as the seller API
        shows them (no buyer id, no agent names). None when the event is gone."""
        with self.database.sessions() as session:
            found = store.event_in(session, event_id)
            if found is None:
                return None
            dispute_id, event = found
            dispute = store.dispute_in(session, dispute_id)
        assert dispute is not None
        return {
            "type": EVENT_TYPE,
            "idempotency_key": event_id,
            "seller_id": dispute.seller_id,
            "event": event.to_dict("seller"),
            "dispute": dispute.to_dict("seller"),
        }

    def deliver(self, job: Job) -> None:
        """Send one queued step; raises `DeliveryFailed` for the runner to retry."""
        payload = self.body(job.subject_id)
        if payload is None:
            log.warning("seller_webhook_event_missing", event_id=job.subject_id)
            return
        raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": job.subject_id,
            **sign(self.secret, raw, int(self.clock().timestamp())),
        }
        try:
            with httpx.Client(timeout=self.timeout_s, transport=self.transport) as http:
                response = http.post(self.url, content=raw, headers=headers)
        except httpx.HTTPError as e:
            raise DeliveryFailed(f"{type(e).__name__}: {e}") from e
        if not response.is_success:
            raise DeliveryFailed(f"the receiver answered {response.status_code}")
        log.info("seller_webhook_sent", event_id=job.subject_id, attempt=job.attempts)
