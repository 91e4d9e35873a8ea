"""The `aftersales-lab` command line: world generation and the demo seed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, func, select

from bot.api.orders import OrderPayload
from bot.store.models import BuyerRow, OrderItemRow, OrderRow, SellerRow
from lab.cli import main
from lab.world.demo import DEMO_REGIONS, demo_orders
from lab.world.seed import marker_path
from tests.lab.world.test_demo import ANCHOR


def _last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_world_generate_writes_a_tiny_world_deterministically(tmp_path, capsys) -> None:
    args = ["world", "generate", "--seed", "5", "--buyers", "200", "--sellers", "20"]
    args += ["--cases", "80", "--days", "90"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    summary = _last_json(capsys)
    assert summary["cases"] == 80 and summary["buyers"] == 200 and summary["seed"] == 5
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    for name in ("buyers.csv", "sellers.csv", "orders.csv", "cases.csv", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                row.__tablename__: connection.scalar(select(func.count()).select_from(row))
                for row in (OrderRow, OrderItemRow, BuyerRow, SellerRow)
            }
    finally:
        engine.dispose()


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'demo.db'}"


def test_seed_demo_twice_changes_nothing(url, capsys) -> None:
    anchor = ["--anchor", ANCHOR.date().isoformat(), "--database-url", url]
    assert main(["world", "seed", "--small", *anchor]) == 0
    first = _last_json(capsys)
    counts = _counts(url)
    assert first["status"] == "seeded" and first["created"] == first["orders"]
    assert counts["orders"] == first["orders"] == len(demo_orders(ANCHOR))
    assert counts["buyers"] >= 5

    assert main(["seed-demo", *anchor]) == 0
    assert _last_json(capsys)["status"] == "up_to_date"
    assert main(["seed-demo", *anchor, "--force"]) == 0
    forced = _last_json(capsys)
    assert (forced["status"], forced["created"], forced["changed"]) == ("seeded", 0, 0)
    assert _counts(url) == counts


def test_a_new_anchor_day_moves_the_dates_not_the_rows(url, capsys) -> None:
    assert main(["seed-demo", "--anchor", "2026-03-01", "--database-url", url]) == 0
    counts = _counts(url)
    capsys.readouterr()
    assert main(["seed-demo", "--anchor", "2026-03-02", "--database-url", url]) == 0
    moved = _last_json(capsys)
    assert moved["status"] == "seeded" and moved["created"] == 0 and moved["changed"] > 0
    assert _counts(url) == counts


def test_a_fresh_database_with_an_old_marker_is_seeded(url, tmp_path, capsys) -> None:
    assert main(["seed-demo", "--anchor", "2026-03-01", "--database-url", url]) == 0
    marker = marker_path(url)
    assert marker is not None and marker.is_file()
    for path in tmp_path.glob("demo.db*"):
        if path != marker:
            path.unlink()
    capsys.readouterr()
    assert main(["seed-demo", "--anchor", "2026-03-01", "--database-url", url]) == 0
    assert _last_json(capsys)["status"] == "seeded"
    assert _counts(url)["orders"] == len(demo_orders(ANCHOR))


def test_demo_orders_are_valid_contract_orders() -> None:
    for order in demo_orders(ANCHOR):
        payload = OrderPayload.from_order(order)
        assert OrderPayload.model_validate_json(payload.model_dump_json()).to_order() == order


def test_seeded_buyers_have_regions(url, capsys) -> None:
    """The demo world's buyers carry their market, so the analytics' region slices are not all
    "unknown": B1..B5 the documented ones, the background buyers the world generator's."""
    assert main(["seed-demo", "--anchor", ANCHOR.date().isoformat(), "--database-url", url]) == 0
    engine = create_engine(url)
    with engine.connect() as connection:
        regions = dict(connection.execute(select(BuyerRow.id, BuyerRow.region)).all())
    engine.dispose()
    assert {b: regions[b] for b in DEMO_REGIONS} == DEMO_REGIONS
    assert all(regions.values()), [b for b, r in regions.items() if not r]
    assert set(regions.values()) <= {"SG", "MY", "TH", "VN", "PH", "ID"}
