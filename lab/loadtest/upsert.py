"""``python -m lab.loadtest.upsert [--orders N]``: the order webhook's store write alone.

Times `OrderRepository.upsert` on a fresh, migrated SQLite file (no HTTP, no signature): N new
orders, the same N pushed again changed (a higher version), then replayed unchanged. The load
benchmark (``python -m lab.loadtest``) measures the webhook end to end; this isolates its
database work, the part a change to the repository moves.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.orders import OrderRepository
from policies.types import Category, Order, OrderItem, OrderStatus, PaymentMethod


def _order(i: int) -> Order:
    return Order(
        order_id=f"SG-{i:06d}",
        buyer_id=f"B{i % 50}",
        seller_id=f"S{i % 7}",
        status=OrderStatus.SHIPPED,
        currency="SGD",
        items=(
            OrderItem("SKU-1", "Wireless earbuds", Category.ELECTRONICS, Decimal("39.99"), 1),
            OrderItem("SKU-2", "Phone case", Category.ELECTRONICS, Decimal("9.50"), 2),
        ),
        placed_at=datetime(2026, 11, 1, 10, 0, tzinfo=UTC),
        shipped_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        promised_delivery_by=datetime(2026, 11, 8, tzinfo=UTC),
        carrier="SPX",
        tracking_number=f"SPX{i:010d}",
        payment_method=PaymentMethod.CARD,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'upsert.db'}"
        upgrade(url)
        database = Database(url)
        repository = OrderRepository(database.sessions)
        orders = [_order(i) for i in range(args.orders)]
        changed = [replace(o, carrier="NJV") for o in orders]
        timings = {}
        for label, batch, version in (
            ("new", orders, 1),
            ("changed", changed, 2),
            ("replayed", changed, 2),
        ):
            start = time.perf_counter()
            for order in batch:
                repository.upsert(order, version=version)
            timings[label] = (time.perf_counter() - start) * 1000 / len(batch)
        database.dispose()
    print(
        f"order upsert, {args.orders} orders, SQLite: "
        + ", ".join(f"{label} {ms:.2f} ms" for label, ms in timings.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
