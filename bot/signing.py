"""The webhooks' HMAC-SHA256 signature, one scheme both ways: the platform signs the orders it
pushes to the bot (`bot.api.orders` checks it) and the bot signs what it pushes to sellers
(`bot.disputes.webhook`). ``X-Signature: sha256=<hex HMAC of "<timestamp>." + body>`` with
``X-Signature-Timestamp: <unix seconds>``: the receiver refuses old timestamps (replays)."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Signature"
TIMESTAMP_HEADER = "X-Signature-Timestamp"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The signature headers of ``body`` sent at ``timestamp`` (default: now)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return {SIGNATURE_HEADER: f"sha256={digest.hexdigest()}", TIMESTAMP_HEADER: str(timestamp)}
