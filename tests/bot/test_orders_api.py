import copy
import hashlib
import hmac
import json
import shutil
import time

import pytest
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from bot.api import orders as orders_api
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import Database
from bot.store.migrate import upgrade
from bot.store.models import OrderRow
from tests.bot.conftest import SECRET
from tests.utils.fakes import FakeParser

WEBHOOK_SECRET = "unit-test-webhook-secret-0123456789"

ORDER = {
    "order_id": "A1001",
    "buyer_id": "B17",
    "seller_id": "S3",
    "status": "shipped",
    "currency": "USD",
    "items": [
        {
            "sku": "SKU-1",
            "title": "Wireless earbuds",
            "category": "electronics",
            "unit_price": 39.99,
            "quantity": 1,
        }
    ],
    "placed_at": "2026-11-01T10:00:00Z",
    "shipped_at": "2026-11-02T09:00:00Z",
    "promised_delivery_by": "2026-11-08T00:00:00Z",
    "delivered_at": None,
    "carrier": "SPX",
    "tracking_number": "SPX0123456789SG",
    "payment_method": "card",
    "refunded_amount": 0,
    "refunded_at": None,
}


def sign(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The X-Signature of a push signed now (or at ``timestamp``)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def order(**changes) -> dict:
    return {**copy.deepcopy(ORDER), **changes}


def with_item(**changes) -> dict:
    return order(items=[{**ORDER["items"][0], **changes}])


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("orders-api") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def db(template_db, tmp_path):
    shutil.copyfile(template_db, tmp_path / "orders.db")
    database = Database(f"sqlite:///{tmp_path / 'orders.db'}")
    yield database
    database.dispose()


def make_client(database: Database, **overrides) -> TestClient:
    settings = Settings(
        env="test", jwt_secret=SECRET, webhook_secret=WEBHOOK_SECRET, _env_file=None, **overrides
    )
    parser = FakeParser()
    services = Services(
        parser=parser, readiness={"rasa": parser.is_ready, "database": database.is_ready}
    )
    # Until Services declares the field, the store's dependency reads it as an attribute.
    services.database = database
    app = create_app(settings, services)
    try:
        app.url_path_for("put_order", order_id="A1001")
    except NoMatchFound:  # until create_app includes the orders router itself
        app.include_router(orders_api.router)
    return TestClient(app)


@pytest.fixture
def client(db):
    with make_client(db) as c:
        yield c


def put(
    client,
    body,
    order_id: str = "A1001",
    signature: str | None = None,
    timestamp: int | None = None,
):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "X-Signature": signature or sign(raw, timestamp=stamp),
        "X-Signature-Timestamp": str(stamp),
    }
    return client.put(f"/v1/orders/{order_id}", content=raw, headers=headers)


def updated_at(db, order_id: str = "A1001"):
    with db.sessions() as session:
        return session.get(OrderRow, order_id).updated_at


def assert_error(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error.get("field") == field
    assert error["message"]


# Signature


def test_missing_signature_is_refused(client):
    response = client.put("/v1/orders/A1001", json=ORDER)
    assert_error(response, 401, "bad_signature")


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,
        sign(b"another body"),
        sign(json.dumps(ORDER).encode(), secret="not-the-webhook-secret"),
        "sha1=" + "0" * 40,
        hashlib.sha256(json.dumps(ORDER).encode()).hexdigest(),
        "sha256=zz",
    ],
    ids=["zeros", "other-body", "other-secret", "sha1", "no-prefix", "not-hex"],
)
def test_bad_signature_is_refused(client, db, signature):
    assert_error(put(client, ORDER, signature=signature), 401, "bad_signature")
    with db.sessions() as session:
        assert session.get(OrderRow, "A1001") is None


def test_signature_is_checked_before_the_body_is_parsed(client):
    assert_error(put(client, b"{not json", signature=sign(b"x")), 401, "bad_signature")
    assert_error(put(client, b"{not json"), 400, "invalid_json")


def test_signature_hex_is_case_insensitive(client):
    raw = json.dumps(ORDER).encode()
    stamp = int(time.time())
    upper = sign(raw, timestamp=stamp).upper().replace("SHA256=", "sha256=")
    assert put(client, raw, signature=upper, timestamp=stamp).status_code == 201


def test_the_signature_covers_the_timestamp(client):
    raw = json.dumps(ORDER).encode()
    stamp = int(time.time())
    # Signed for one moment, sent as another: a replay with a fresh timestamp header.
    response = put(client, raw, signature=sign(raw, timestamp=stamp - 1), timestamp=stamp)
    assert_error(response, 401, "bad_signature")


def test_a_push_signed_long_ago_is_refused_as_a_replay(client, db):
    old = int(time.time()) - 301
    response = put(client, ORDER, timestamp=old)
    assert_error(response, 401, "bad_signature")
    assert "replayed" in response.json()["error"]["message"]
    with db.sessions() as session:
        assert session.get(OrderRow, "A1001") is None


def test_the_timestamp_header_is_required(client):
    raw = json.dumps(ORDER).encode()
    body_only = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.put(
        "/v1/orders/A1001",
        content=raw,
        headers={"Content-Type": "application/json", "X-Signature": body_only},
    )
    assert_error(response, 401, "bad_signature")
    assert "X-Signature-Timestamp" in response.json()["error"]["message"]


def test_body_only_signatures_are_accepted_when_the_setting_allows(db):
    raw = json.dumps(ORDER).encode()
    body_only = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    with make_client(db, webhook_require_timestamp=False) as legacy:
        response = legacy.put(
            "/v1/orders/A1001",
            content=raw,
            headers={"Content-Type": "application/json", "X-Signature": body_only},
        )
    assert response.status_code == 201, response.text


def test_an_older_signed_push_is_acknowledged_and_ignored(client, db):
    now = int(time.time())
    assert put(client, order(status="shipped", shipped_at="2026-11-02T10:00:00Z"),
               timestamp=now).status_code == 201  # fmt: skip
    # A platform retry of the earlier (pending) state arrives after the shipped one.
    response = put(client, ORDER, timestamp=now - 10)
    assert response.status_code == 200
    assert response.headers["X-Order-Push"] == "stale"
    assert response.json()["status"] == "shipped"


def test_a_version_not_above_the_stored_one_is_stale(client):
    shipped = order(status="shipped", shipped_at="2026-11-02T10:00:00Z", version=7)
    first = put(client, shipped)
    assert first.headers["X-Order-Push"] == "applied" and first.json()["version"] == 7
    response = put(client, order(version=6))
    assert response.headers["X-Order-Push"] == "stale"
    assert response.json()["status"] == "shipped"
    assert put(client, order(status="delivered", shipped_at="2026-11-02T10:00:00Z",
                             delivered_at="2026-11-05T10:00:00Z", version=8)
               ).headers["X-Order-Push"] == "applied"  # fmt: skip


def test_oversized_body_is_refused(client):
    huge = b" " * 1_000_001
    assert_error(put(client, huge), 413, "payload_too_large")


# Create, replay, replace


def test_create_returns_201_and_the_stored_order(client):
    response = put(client, ORDER)
    assert response.status_code == 201
    assert response.json() == ORDER


def test_replay_returns_200_and_changes_nothing(client, db):
    put(client, ORDER)
    first = updated_at(db)

    response = put(client, ORDER)

    assert response.status_code == 200
    assert response.json() == ORDER
    assert updated_at(db) == first


def test_same_order_written_differently_is_a_replay(client, db):
    put(client, ORDER)
    first = updated_at(db)
    rewritten = dict(reversed(list(order(placed_at="2026-11-01T18:00:00+08:00").items())))
    raw = json.dumps(rewritten, indent=2).encode()

    assert put(client, raw).status_code == 200
    assert updated_at(db) == first


def test_replace_returns_200_and_the_new_order(client, db):
    put(client, ORDER)
    first = updated_at(db)
    delivered = order(status="delivered", delivered_at="2026-11-07T15:30:00Z")

    response = put(client, delivered)

    assert response.status_code == 200
    assert response.json() == delivered
    assert updated_at(db) > first


def test_buyer_of_an_order_cannot_change(client):
    put(client, ORDER)
    response = put(client, order(buyer_id="B99"))
    assert_error(response, 422, "validation_error", "buyer_id")
    assert put(client, ORDER).status_code == 200


@pytest.mark.parametrize(
    "path_id", ["INV/20260611/MPL/3928817745", "INV%2F20260611%2FMPL%2F3928817745"]
)
def test_an_invoice_number_with_slashes_is_an_order_id(client, path_id):
    # dev26 c10: Indonesian marketplaces number orders "INV/20260611/MPL/3928817745"; the push
    # was a 404. Sent as path segments or percent-encoded, it is one order id.
    invoice = "INV/20260611/MPL/3928817745"
    response = put(client, order(order_id=invoice), order_id=path_id)
    assert response.status_code == 201, response.text
    assert response.json()["order_id"] == invoice


@pytest.mark.parametrize("bad", ["INV//2026", "INV/2026/", "/INV2026"])
def test_an_order_id_with_an_empty_part_names_the_field(client, bad):
    assert_error(
        put(client, order(order_id=bad), order_id="X1"), 422, "validation_error", "order_id"
    )


def test_path_and_body_order_ids_must_agree(client):
    assert_error(put(client, ORDER, order_id="A1002"), 422, "validation_error", "order_id")


# Validation: every rule names its field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order(surprise=1), "surprise"),
        ({k: v for k, v in ORDER.items() if k != "buyer_id"}, "buyer_id"),
        (order(order_id="A 1001"), "order_id"),
        (order(status="lost"), "status"),
        (order(payment_method="cash"), "payment_method"),
        (order(currency="usd"), "currency"),
        (order(currency="USDT"), "currency"),
        (order(items=[]), "items"),
        (order(items=[ORDER["items"][0], ORDER["items"][0]]), "items"),
        (with_item(category="weapons"), "items.0.category"),
        (with_item(quantity=0), "items.0.quantity"),
        (with_item(quantity=1.5), "items.0.quantity"),
        (with_item(unit_price=-1), "items.0.unit_price"),
        (with_item(unit_price=1.999), "items.0.unit_price"),
        (with_item(colour="blue"), "items.0.colour"),
        (order(placed_at="2026-11-01T10:00:00"), "placed_at"),
        (order(shipped_at="2026-10-31T10:00:00Z"), "shipped_at"),
        (order(promised_delivery_by="2026-10-31T10:00:00Z"), "promised_delivery_by"),
        (order(status="delivered", delivered_at="2026-11-02T08:00:00Z"), "delivered_at"),
        (order(shipped_at=None, delivered_at="2026-10-31T10:00:00Z"), "delivered_at"),
        (order(status="delivered"), "delivered_at"),
        (order(status="refunded", refunded_amount=39.99), "refunded_at"),
        (order(refunded_amount=5, refunded_at=None), "refunded_at"),
        (order(refunded_amount=-1, refunded_at="2026-11-03T00:00:00Z"), "refunded_amount"),
        (order(refunded_at="2026-10-01T00:00:00Z", refunded_amount=1), "refunded_at"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_invalid_order_names_the_field(client, body, field):
    response = put(client, body)
    assert_error(response, 422, "validation_error", field)
    assert field in response.json()["error"]["message"]


def test_refunded_order_with_its_date_is_accepted(client):
    refunded = order(status="refunded", refunded_amount=39.99, refunded_at="2026-11-05T00:00:00Z")
    response = put(client, refunded)
    assert response.status_code == 201
    assert response.json() == refunded


# Wiring


def test_ready_checks_the_database(client):
    assert client.get("/ready").json()["checks"]["database"] is True


def test_not_ready_when_the_database_is_unreachable():
    unreachable = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with make_client(unreachable) as c:
        response = c.get("/ready")
    assert response.status_code == 503
    assert "database" in response.json()["error"]["message"]


def test_openapi_documents_the_order_body(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/orders/{order_id}"]["put"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/OrderPayload"
    assert "items" in spec["components"]["schemas"]["OrderPayload"]["properties"]


def test_buyer_region_is_kept_on_the_buyer_and_echoed_only_when_sent(client, db):
    from bot.store.models import BuyerRow

    response = put(client, order(buyer_region="SG"))
    assert response.status_code == 201 and response.json()["buyer_region"] == "SG"
    with db.sessions() as session:
        assert session.get(BuyerRow, ORDER["buyer_id"]).region == "SG"
    # A replay without the extension changes nothing and answers the contract's shape.
    replay = put(client, ORDER)
    assert replay.status_code == 200 and "buyer_region" not in replay.json()
    with db.sessions() as session:
        assert session.get(BuyerRow, ORDER["buyer_id"]).region == "SG"


def test_an_identical_order_still_carries_the_buyers_region(client, db):
    """The region is the buyer's: a replayed order that now sends it sets it (a store seeded
    before regions were sent gets them), though the order itself is unchanged."""
    from bot.store.models import BuyerRow

    assert put(client, ORDER).status_code == 201
    replay = put(client, order(buyer_region="MY"))
    assert replay.status_code == 200
    with db.sessions() as session:
        assert session.get(BuyerRow, ORDER["buyer_id"]).region == "MY"


@pytest.mark.parametrize("region", ["sg", "SGP", "", 5])
def test_a_bad_buyer_region_names_the_field(client, region):
    response = put(client, order(buyer_region=region))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "buyer_region"


def test_buyer_account_date_is_kept_on_the_buyer_and_feeds_the_account_age(client, db):
    """The platform's account date (an extension) is the risk model's account age: a buyer
    whose only pushed order is a week old but whose account is three years old is not new."""
    from bot.store.cases import buyer_since_in
    from bot.store.models import BuyerRow

    opened = "2023-01-05T08:00:00Z"
    response = put(client, order(buyer_account_created_at=opened))
    assert response.status_code == 201
    assert response.json()["buyer_account_created_at"] == opened
    with db.sessions() as session:
        row = session.get(BuyerRow, ORDER["buyer_id"])
        assert row.account_created_at.isoformat() == "2023-01-05T08:00:00+00:00"
        assert buyer_since_in(session, ORDER["buyer_id"]) == row.account_created_at
    # A replay without the extension keeps it and answers the contract's shape.
    replay = put(client, ORDER)
    assert replay.status_code == 200 and "buyer_account_created_at" not in replay.json()
    with db.sessions() as session:
        assert session.get(BuyerRow, ORDER["buyer_id"]).account_created_at is not None


def test_without_an_account_date_the_store_knows_when_it_first_heard_of_the_buyer(client, db):
    from bot.store.cases import buyer_since_in
    from bot.store.models import BuyerRow

    assert put(client, ORDER).status_code == 201
    with db.sessions() as session:
        row = session.get(BuyerRow, ORDER["buyer_id"])
        assert row.account_created_at is None
        assert buyer_since_in(session, ORDER["buyer_id"]) == row.created_at


@pytest.mark.parametrize("value", ["2099-01-01T00:00:00Z", "2023-01-05", "yesterday"])
def test_a_bad_buyer_account_date_names_the_field(client, value):
    """After the order was placed, or without a time zone, or not a date: 422 naming it."""
    response = put(client, order(buyer_account_created_at=value))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "buyer_account_created_at"
