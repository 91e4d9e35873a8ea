"""``PUT /v1/orders/{order_id}``: the commerce platform pushes an order (create or replace).

The request is authenticated by two headers (contract extension, see the README):
``X-Signature-Timestamp: <unix seconds>`` and ``X-Signature: sha256=<hex HMAC-SHA256 of
"<timestamp>." + raw body>`` with the setting ``webhook_secret``. The signature is checked on
the raw bytes before any parsing, so an unsigned request costs no JSON work and learns nothing
about validation; a timestamp further than ``webhook_tolerance_s`` from the bot's clock is
refused, so a captured push cannot be replayed later. With ``webhook_require_timestamp`` off,
the contract's first form (HMAC of the body alone, no timestamp) is accepted too.

A push older than the stored order (its optional ``version`` not above the stored one, or its
signed timestamp before the stored push's) is acknowledged with 200 and ignored; the response
says so in ``X-Order-Push: stale``. Pushes never touch the bot's ledger of remedies.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool

from bot.api.deps import SettingsDep
from bot.api.schemas import error_responses
from bot.api.store_deps import OrderRepositoryDep
from bot.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from bot.signing import sign as sign  # re-exported: tools and tests sign pushes with it
from common.errors import InvalidInput, TooLarge, Unauthorized
from policies.types import Category, Order, OrderItem, OrderStatus, PaymentMethod

router = APIRouter(prefix="/v1/orders", tags=["orders"])

# The scheme is shared with the bot's own outbound webhook; `sign` stays importable from here.
PUSH_RESULT_HEADER = "X-Order-Push"
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
# An order is a few KB; anything near this is not an order.
MAX_BODY_BYTES = 1_000_000
MAX_ITEMS = 500

# Ids as the platform issues them ("A1001", "SO-2026-000123"): safe in a URL path.
PlatformId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
# An order id may also have slashes between its parts: Indonesian marketplaces number orders by
# invoice, "INV/20260611/MPL/3928817745" (dev26 c10: the push was a 404). The path takes it
# whole (``{order_id:path}``); no empty part, no slash at either end.
OrderId = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9._-]+)*$"
    ),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Money in the order's currency: at most 2 decimals and 12 digits (the column is
# Numeric(12, 2)); a JSON number on the way out, as the contract shows it.
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    PlainSerializer(float, return_type=float, when_used="json"),
]


# The payload's fields that are not the domain order's (the contract's extensions, the items).
_EXTENSIONS = {"items", "buyer_region", "buyer_account_created_at", "version"}


def _inconsistent(message: str) -> PydanticCustomError:
    return PydanticCustomError("order_inconsistent", message)


class OrderItemPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: ShortText
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    category: Category
    unit_price: Money
    quantity: StrictInt = Field(ge=1)


class OrderPayload(BaseModel):
    """The contract's order (contract.md, section 3), field by field.

    Cross-field rules are field validators reading the fields declared before them, so each
    error names the field that is wrong (e.g. ``delivered_at`` before ``shipped_at`` names
    ``delivered_at``).
    """

    model_config = ConfigDict(extra="forbid")

    order_id: OrderId
    buyer_id: PlatformId
    seller_id: PlatformId
    status: OrderStatus
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    items: list[OrderItemPayload] = Field(min_length=1, max_length=MAX_ITEMS)
    placed_at: AwareDatetime
    shipped_at: AwareDatetime | None = None
    promised_delivery_by: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = Field(None, validate_default=True)
    carrier: ShortText | None = None
    tracking_number: ShortText | None = None
    payment_method: PaymentMethod
    refunded_amount: Money = Decimal("0")
    refunded_at: AwareDatetime | None = Field(None, validate_default=True)
    # An extension of the contract: the buyer's market (ISO 3166 alpha-2, e.g. "SG"). Kept on
    # the buyer, not the order: the router's fairness thresholds and the analytics' fairness
    # slices are per region.
    # Echoed only when sent: the contract's shape stays as it was for platforms that don't.
    buyer_region: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, exclude_if=lambda value: value is None
    )
    # An extension of the contract: when the buyer's account was opened on the platform. The
    # risk model's account age is learnt from it; without it the bot only knows the buyer's
    # oldest pushed order, and a long-standing customer whose old orders were never pushed
    # looks brand new. Kept on the buyer; echoed only when sent.
    buyer_account_created_at: AwareDatetime | None = Field(
        None, exclude_if=lambda value: value is None
    )
    # An extension of the contract: the platform's version of the order, higher for every
    # newer state. A push whose version is not above the stored one is ignored (stale).
    version: StrictInt | None = Field(None, ge=0, le=2**62, exclude_if=lambda value: value is None)

    @field_validator("buyer_account_created_at")
    @classmethod
    def _account_before_order(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        placed_at = info.data.get("placed_at")
        if value is not None and placed_at is not None and value > placed_at:
            raise _inconsistent("must not be after placed_at (the account placed this order)")
        return value

    @field_validator("items")
    @classmethod
    def _skus_unique(cls, items: list[OrderItemPayload]) -> list[OrderItemPayload]:
        # Claims name items by sku; two lines with one sku would make a claim ambiguous.
        skus = [item.sku for item in items]
        duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
        if duplicates:
            raise _inconsistent(
                f"each sku may appear on one line only, repeated: {', '.join(duplicates)}; "
                "merge the lines and add up the quantities"
            )
        return items

    @field_validator("shipped_at", "promised_delivery_by")
    @classmethod
    def _not_before_placed(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        placed_at = info.data.get("placed_at")
        if value is not None and placed_at is not None and value < placed_at:
            raise _inconsistent("must not be before placed_at")
        return value

    @field_validator("delivered_at")
    @classmethod
    def _delivery_consistent(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is None:
            if info.data.get("status") is OrderStatus.DELIVERED:
                raise _inconsistent("required when status is delivered")
            return value
        shipped_at, placed_at = info.data.get("shipped_at"), info.data.get("placed_at")
        if shipped_at is not None and value < shipped_at:
            raise _inconsistent("must not be before shipped_at")
        if placed_at is not None and value < placed_at:
            raise _inconsistent("must not be before placed_at")
        return value

    @field_validator("refunded_at")
    @classmethod
    def _refund_dated(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # The buyer's refund history (REV-6.2) counts refunds by this date.
        refunded = (
            info.data.get("status") is OrderStatus.REFUNDED
            or (info.data.get("refunded_amount") or 0) > 0
        )
        if value is None and refunded:
            raise _inconsistent(
                "required when the order is refunded (status refunded or refunded_amount above 0)"
            )
        placed_at = info.data.get("placed_at")
        if value is not None and placed_at is not None and value < placed_at:
            raise _inconsistent("must not be before placed_at")
        return value

    def to_order(self) -> Order:
        """The domain order the store and the rules work with."""
        fields = self.model_dump(exclude=_EXTENSIONS)
        items = tuple(OrderItem(**item.model_dump()) for item in self.items)
        return Order(**fields, items=items)

    @classmethod
    def from_order(cls, order: Order) -> OrderPayload:
        """The contract's shape of a stored order."""
        items = [
            OrderItemPayload.model_validate(item, from_attributes=True) for item in order.items
        ]
        fields = {
            name: getattr(order, name) for name in cls.model_fields if name not in _EXTENSIONS
        }
        return cls.model_validate({**fields, "items": items})


class BadSignature(Unauthorized):
    """The push is not signed by the platform, or not recently."""

    code = "bad_signature"


@dataclass(frozen=True)
class SignedPush:
    body: bytes
    # When the platform signed it (None for the legacy body-only signature).
    signed_at: datetime | None


async def signed_body(request: Request, settings: SettingsDep) -> SignedPush:
    """The raw body, once its signature proves it came from the platform recently (else 401)."""
    header = request.headers.get(SIGNATURE_HEADER)
    if header is None:
        raise BadSignature(f"missing {SIGNATURE_HEADER} header")
    match = _SIGNATURE.fullmatch(header.strip())
    if match is None:
        raise BadSignature(f"{SIGNATURE_HEADER} must be sha256=<64 hex digits>")
    stamp = request.headers.get(TIMESTAMP_HEADER)
    if stamp is None and settings.webhook_require_timestamp:
        raise BadSignature(f"missing {TIMESTAMP_HEADER} header")
    if stamp is not None:
        stamp = stamp.strip()
        if not _TIMESTAMP.fullmatch(stamp):
            raise BadSignature(f"{TIMESTAMP_HEADER} must be unix seconds")
        skew = abs(time.time() - int(stamp))
        if skew > settings.webhook_tolerance_s:
            raise BadSignature(
                f"{TIMESTAMP_HEADER} is {int(skew)} s away from the bot's clock (at most "
                f"{settings.webhook_tolerance_s} s): a delayed or replayed push",
            )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise TooLarge(f"body over {MAX_BODY_BYTES} bytes")
    signed = bytes(body) if stamp is None else f"{stamp}.".encode() + bytes(body)
    expected = hmac.new(settings.webhook_secret.encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match.group(1).lower()):
        raise BadSignature("signature does not match the body")
    signed_at = None if stamp is None else datetime.fromtimestamp(int(stamp), UTC)
    return SignedPush(bytes(body), signed_at)


SignedBodyDep = Annotated[SignedPush, Depends(signed_body)]


def _parse(body: bytes) -> OrderPayload:
    try:
        return OrderPayload.model_validate_json(body)
    except ValidationError as e:
        # Same envelope as any other body error: the first error, its field named.
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in e.errors()]
        ) from e


_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderPayload"}}},
    }
}


@router.put(
    "/{order_id:path}",
    response_model=OrderPayload,
    status_code=200,
    responses={
        201: {"model": OrderPayload, "description": "Order created"},
        **error_responses(401, 413, 422, 503),
    },
    openapi_extra=_REQUEST_BODY,
)
async def put_order(
    order_id: str, push: SignedBodyDep, orders: OrderRepositoryDep, response: Response
) -> OrderPayload:
    """Create (201) or replace (200) the order; replaying the stored order, or pushing an older
    one, changes nothing (200, ``X-Order-Push: unchanged`` or ``stale``). The body is the
    order as the bot holds it (the platform's figures with the bot's own remedies)."""
    payload = _parse(push.body)
    if payload.order_id != order_id:
        raise InvalidInput(
            f"order_id: the body's order_id {payload.order_id!r} differs from the path's "
            f"{order_id!r}",
            field="order_id",
        )
    # An order pushed again with another buyer: BuyerChangeRefused, 422 naming buyer_id.
    result = await run_in_threadpool(
        lambda: orders.upsert(
            payload.to_order(),
            buyer_region=payload.buyer_region,
            buyer_account_created_at=payload.buyer_account_created_at,
            version=payload.version,
            pushed_at=push.signed_at,
        )
    )
    response.status_code = 201 if result.created else 200
    response.headers[PUSH_RESULT_HEADER] = (
        "stale" if result.stale else "applied" if result.changed else "unchanged"
    )
    return OrderPayload.from_order(result.order).model_copy(
        update={
            "buyer_region": payload.buyer_region,
            "buyer_account_created_at": payload.buyer_account_created_at,
            "version": payload.version,
        }
    )
