"""Builders shared by the bot tests: orders, a demo buyer's world, a chat client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from bot.store.db import Database
from bot.store.orders import OrderRepository
from policies.types import Category, Order, OrderItem, OrderStatus, PaymentMethod

# The moment every dialogue test runs at (the services' clock is pinned to it).
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def item(
    title: str,
    price: str,
    category: Category = Category.HOME,
    sku: str | None = None,
    quantity: int = 1,
) -> OrderItem:
    sku = sku or "SKU-" + title.upper().replace(" ", "-")[:20]
    return OrderItem(sku, title, category, Decimal(price), quantity)


def order(
    order_id: str,
    *items: OrderItem,
    buyer_id: str = "B17",
    status: OrderStatus = OrderStatus.DELIVERED,
    placed: float = 10,
    shipped: float | None = None,
    promised: float | None = None,
    delivered: float | None = None,
    payment: PaymentMethod = PaymentMethod.CARD,
    refunded: str = "0",
    refunded_days_ago: float | None = None,
) -> Order:
    """An order placed ``placed`` days before NOW; the other times are days before NOW too."""
    if status is OrderStatus.DELIVERED and delivered is None:
        delivered = max(placed - 3, 0)
    if status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and shipped is None:
        shipped = placed - 1
    return Order(
        order_id=order_id,
        buyer_id=buyer_id,
        seller_id="S3",
        status=status,
        currency="USD",
        items=items or (item("Wireless earbuds", "39.99", Category.ELECTRONICS),),
        placed_at=days_ago(placed),
        shipped_at=None if shipped is None else days_ago(shipped),
        promised_delivery_by=None if promised is None else days_ago(promised),
        delivered_at=None if delivered is None else days_ago(delivered),
        carrier="SPX" if shipped is not None else None,
        tracking_number="SPX0123456789SG" if shipped is not None else None,
        payment_method=payment,
        refunded_amount=Decimal(refunded),
        refunded_at=None if refunded_days_ago is None else days_ago(refunded_days_ago),
    )


def demo_orders() -> list[Order]:
    """Buyer B17's orders (one per policy branch) and one order of another buyer."""
    return [
        order("P100", item("Wireless earbuds", "39.99", Category.ELECTRONICS),
              status=OrderStatus.PENDING, placed=2, promised=-5),
        order("D200", item("Blue dress", "45.00", Category.APPAREL), placed=8, delivered=5),
        order("D201", item("Coffee mug", "12.00"), placed=6, delivered=3,
              payment=PaymentMethod.WALLET),
        order("D202", item("Linen shirt", "20.00", Category.APPAREL, sku="SHIRT"),
              item("Wool socks", "8.00", Category.APPAREL, sku="SOCKS"), placed=12, delivered=9),
        order("D203", item("Matte lipstick", "18.00", Category.BEAUTY), placed=9, delivered=6),
        order("D204", item("Desk lamp", "30.00"), placed=55, delivered=50),
        order("D205", item("Laptop", "900.00", Category.ELECTRONICS), placed=7, delivered=4),
        order("D206", item("Yoga mat", "50.00", Category.SPORTS), placed=20, promised=15,
              delivered=8),
        order("S300", item("Headphones", "60.00", Category.ELECTRONICS),
              status=OrderStatus.SHIPPED, placed=7, shipped=6, promised=4),
        order("S301", item("Novel", "15.00", Category.BOOKS), status=OrderStatus.SHIPPED,
              placed=2, shipped=1, promised=-5),
        order("R400", item("Phone case", "25.00"), status=OrderStatus.REFUNDED, placed=30,
              delivered=25, refunded="25.00", refunded_days_ago=2),
        order("X500", item("Watch", "80.00"), buyer_id="B99", placed=5, delivered=2),
    ]  # fmt: skip


def seed(database: Database, orders: list[Order]) -> None:
    repository = OrderRepository(database.sessions)
    for o in orders:
        repository.upsert(o)


class Chat:
    """One buyer conversation through the HTTP API."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        response = client.post("/v1/conversations", headers=headers)
        assert response.status_code == 201, response.text
        self.id = response.json()["conversation_id"]

    def say(
        self,
        text: str = "",
        *,
        photo: str | None = None,
        key: str | None = None,
        status: int = 200,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if photo:
            body["attachments"] = [{"type": "image", "url": photo}]
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        response = self.client.post(
            f"/v1/conversations/{self.id}/messages", json=body, headers=headers
        )
        assert response.status_code == status, response.text
        return response.json()

    def view(self) -> dict[str, Any]:
        response = self.client.get(f"/v1/conversations/{self.id}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()


def bot_text(turn: dict[str, Any]) -> str:
    """All the bot's words in a turn, for assertions."""
    return "\n".join(m["text"] for m in turn["messages"])


def citations(turn: dict[str, Any]) -> set[str]:
    return {c for m in turn["messages"] for c in m["citations"]}
