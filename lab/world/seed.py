"""Load the small demo world (`lab.world.demo`) into the bot's database.

`seed_demo(url)` migrates the database to the newest schema, then upserts every demo order
through `OrderRepository.upsert`, the same path the platform's `PUT /v1/orders` takes (so the
buyers and sellers get their rows the same way, each buyer with its region: `demo_regions`).
It is idempotent twice over: an identical order is a no-op for `upsert` (by fingerprint; only
a missing region is set), and a marker file remembers what was seeded, so a second run with
the same seed, generator code and anchor day does not even rebuild the orders.

The marker holds the seed, `lab.world.demo.generator_fingerprint` and the anchor day. The anchor
is today's UTC midnight by default, so the first `make run` of a new day re-seeds (same order
ids, dates moved forward) and the documented demo scenarios ("delivered 2 days ago") stay true.
A missing demo order in the database (e.g. a fresh database with an old marker) re-seeds too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import URL

from bot.settings import REPO_ROOT
from bot.store.db import Database, normalize_url, utcnow
from bot.store.migrate import upgrade
from bot.store.models import OrderRow
from bot.store.orders import OrderRepository
from lab.world.demo import (
    DEMO_SEED,
    anchor_for,
    demo_orders,
    demo_regions,
    generator_fingerprint,
)

MARKER_DIR = REPO_ROOT / "var"


@dataclass(frozen=True)
class SeedResult:
    status: str  # "seeded" or "up_to_date"
    orders: int
    created: int
    changed: int
    anchor: str
    marker: str | None

    def to_dict(self) -> dict:
        return asdict(self)


def marker_path(url: str | URL, directory: Path = MARKER_DIR) -> Path | None:
    """Where the marker of the database at `url` lives; None for an in-memory SQLite database.

    A SQLite file gets `<file>.demo-seed.json` beside it (deleting the directory deletes both);
    any other database a file in `directory` named by a hash of its URL (password hidden).
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return None
        return Path(parsed.database).with_name(Path(parsed.database).name + ".demo-seed.json")
    name = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return directory / f"demo-seed-{name}.json"


def seed_demo(
    url: str | URL,
    *,
    seed: int = DEMO_SEED,
    anchor: datetime | None = None,
    force: bool = False,
    marker_dir: Path = MARKER_DIR,
) -> SeedResult:
    """Migrate the database at `url` and load the demo world into it (see the module docstring)."""
    anchor = anchor_for(anchor or utcnow())
    key = {
        "seed": seed,
        "generator": generator_fingerprint(seed),
        "anchor": anchor.date().isoformat(),
    }
    marker = marker_path(url, marker_dir)
    upgrade(url)
    orders = demo_orders(anchor, seed)
    database = Database(url)
    try:
        if not force and marker is not None and _read(marker) == key:
            ids = [order.order_id for order in orders]
            with database.sessions() as session:
                present = session.scalar(
                    select(func.count()).select_from(OrderRow).where(OrderRow.id.in_(ids))
                )
            if present == len(ids):
                return SeedResult("up_to_date", len(orders), 0, 0, key["anchor"], str(marker))
        repository = OrderRepository(database.sessions)
        regions = demo_regions(anchor, seed)
        created = changed = 0
        for order in orders:
            _, was_created, was_changed, _stale = repository.upsert(
                order, buyer_region=regions.get(order.buyer_id)
            )
            created += was_created
            changed += was_changed
    finally:
        database.dispose()
    if marker is not None:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(key, indent=2, sort_keys=True) + "\n")
    return SeedResult(
        "seeded", len(orders), created, changed, key["anchor"], str(marker) if marker else None
    )


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


__all__ = ["SeedResult", "marker_path", "seed_demo"]
