"""What the end-to-end conversations need: the bot served by uvicorn on a loopback port, the
commerce platform pushing orders through the signed webhook, and buyers chatting over HTTP.

Nothing here is faked: the app is `create_app(settings)` with the services its lifespan builds
(the real Rasa server, the MiniLM policy answerer, the risk model), over a migrated SQLite file.
Orders are dated relative to the real clock, because the bot decides at the real time.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from bot.api.orders import sign
from bot.auth import mint_token
from bot.settings import Settings
from nlu.server import free_port

PHOTO = "https://img.example.com/claims/photo-1.jpg"


class LiveServer:
    """A FastAPI app served by uvicorn in a background thread (real sockets, real lifespan)."""

    def __init__(self, app: FastAPI, *, host: str = "127.0.0.1") -> None:
        self.app = app
        self.host, self.port = host, free_port(host)
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="e2e-uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 120.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the bot's server thread died while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot on {self.url} did not start in {timeout_s}s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


_ids = itertools.count(41001)
_buyers = itertools.count(1)


def next_order_id(style: str = "letter") -> str:
    """Order ids in the shapes buyers type: ``K41001`` or an 8-digit ``20041001``."""
    n = next(_ids)
    return f"K{n}" if style == "letter" else f"2{n:07d}"


@dataclass
class Item:
    title: str
    price: str
    category: str = "home"
    quantity: int = 1
    sku: str | None = None

    def payload(self, index: int) -> dict[str, Any]:
        return {
            "sku": self.sku or f"SKU-{index}-{self.title.upper().replace(' ', '-')[:16]}",
            "title": self.title,
            "category": self.category,
            "unit_price": float(self.price),
            "quantity": self.quantity,
        }


@dataclass
class Shop:
    """The commerce platform: pushes orders through the signed webhook."""

    base_url: str
    settings: Settings
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    def new_buyer(self, name: str) -> str:
        return f"E2E-{name}-{next(_buyers)}"

    def push(self, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        response = self.http.put(
            f"/v1/orders/{payload['order_id']}",
            content=body,
            headers={
                "Content-Type": "application/json",
                **sign(self.settings.webhook_secret, body),
            },
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    def order(
        self,
        buyer_id: str,
        *items: Item,
        status: str = "delivered",
        placed: float = 10,
        shipped: float | None = None,
        promised: float | None = None,
        delivered: float | None = None,
        payment: str = "card",
        refunded: float = 0,
        refunded_ago: float | None = None,
        order_id: str | None = None,
        seller_id: str | None = None,
        id_style: str = "letter",
    ) -> str:
        """Push an order; times are days before now (negative: in the future)."""
        now = datetime.now(UTC)

        def ago(days: float | None) -> datetime | None:
            return None if days is None else now - timedelta(days=days)

        if status == "delivered" and delivered is None:
            delivered = max(placed - 3, 0)
        if status in ("shipped", "delivered", "refunded") and shipped is None:
            shipped = placed - 0.5
        if status == "refunded" and refunded_ago is None:
            refunded_ago = max((delivered if delivered is not None else placed) - 1, 0)
        if promised is None:
            promised = placed - 7
        order_id = order_id or next_order_id(id_style)
        payload = {
            "order_id": order_id,
            "buyer_id": buyer_id,
            "seller_id": seller_id or f"SEL-{buyer_id}",
            "status": status,
            "currency": "USD",
            "items": [it.payload(i) for i, it in enumerate(items or (Item("Desk lamp", "30"),))],
            "placed_at": iso(ago(placed)),
            "shipped_at": iso(ago(shipped)),
            "promised_delivery_by": iso(ago(promised)),
            "delivered_at": iso(ago(delivered)),
            "carrier": "SPX" if shipped is not None else None,
            "tracking_number": "SPX0123456789SG" if shipped is not None else None,
            "payment_method": payment,
            "refunded_amount": refunded,
            "refunded_at": iso(ago(refunded_ago)) if refunded or status == "refunded" else None,
        }
        self.push(payload)
        return order_id

    def loyal_history(self, buyer_id: str) -> None:
        """An account that has shopped here for years without trouble (old, delivered orders)."""
        self.order(buyer_id, Item("Phone charger", "14", "electronics"), placed=900)
        self.order(buyer_id, Item("Bath towel", "22"), placed=420)
        self.order(buyer_id, Item("Notebook set", "9", "books"), placed=200)


class Turn(dict):
    """One turn's response, with shortcuts for the assertions."""

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self["messages"])

    @property
    def citations(self) -> set[str]:
        return {c for m in self["messages"] for c in m["citations"]}

    @property
    def intent(self) -> str | None:
        nlu = self.get("nlu")
        return None if nlu is None else nlu["intent"]["name"]

    @property
    def expecting(self) -> str | None:
        return self["expecting"]

    @property
    def status(self) -> str:
        return self["status"]

    @property
    def quick_replies(self) -> list[str]:
        return self["quick_replies"]

    @property
    def actions(self) -> list[dict[str, Any]]:
        return self["actions"]


class Chat:
    """One buyer's conversation with the bot over HTTP."""

    def __init__(self, base_url: str, settings: Settings, buyer_id: str) -> None:
        self.buyer_id = buyer_id
        token = mint_token(buyer_id, "buyer", settings.jwt_policy())
        self.headers = {"Authorization": f"Bearer {token}"}
        self.http = httpx.Client(base_url=base_url, timeout=30, headers=self.headers)
        response = self.http.post("/v1/conversations")
        assert response.status_code == 201, response.text
        self.id = response.json()["conversation_id"]
        self.turns: list[Turn] = []
        self.sent: list[str] = []  # the buyer's texts, one per turn

    def say(self, text: str = "", *, photo: str | None = None, locale: str | None = None) -> Turn:
        body: dict[str, Any] = {"text": text}
        if photo:
            body["attachments"] = [{"type": "image", "url": photo}]
        if locale:
            body["locale"] = locale
        response = self.http.post(f"/v1/conversations/{self.id}/messages", json=body)
        assert response.status_code == 200, response.text
        turn = Turn(response.json())
        self.turns.append(turn)
        self.sent.append(text)
        return turn

    def tap(self, label_start: str) -> Turn:
        """Tap the quick reply of the last turn that starts with ``label_start``."""
        labels = self.turns[-1].quick_replies
        match = [label for label in labels if label.startswith(label_start)]
        assert match, f"no quick reply starting {label_start!r} in {labels}"
        return self.say(match[0])

    def view(self) -> dict[str, Any]:
        response = self.http.get(f"/v1/conversations/{self.id}")
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.http.close()

    def transcript(self) -> str:
        """Every turn, for assertion messages."""
        return "\n---\n".join(
            f"[{t.intent}] {t.status} expecting={t.expecting} {t.quick_replies}\n{t.text}"
            for t in self.turns
        )
