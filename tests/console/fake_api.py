"""A small scripted stand-in for the conversation API of the contract (section 3), for the chat
page's browser tests only. It serves the real page (``bot.console.routes.router``) on the same
origin and answers the buyer endpoints (and the extension ``GET /v1/conversations``, the buyer's
own, most recently updated first) with canned turns; every message carries ``created_at``:

- a message with "refund": a confirmation question (Yes/No quick replies, two citations);
- "Yes" while confirming: a refund action card; "No": nothing happens;
- a message with "broken": asks for a photo (``expecting: "evidence"``); a photo then leads to the
  confirmation question;
- a message with "person" or "agent": hands the case to a person (``waiting_for_agent``); the test
  then makes the agent reply (``agent_reply``) or close the case (``close``);
- a message with "[422]": a validation error in the contract's envelope;
- anything else: a greeting.

Like the real API it answers a repeated ``Idempotency-Key`` with the first answer. It records
every request body and key it received, so tests can assert on what the page sent.
"""

from __future__ import annotations

import struct
import threading
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response

from bot.auth import AuthError, JwtPolicy, verify_token
from bot.clauses import clause_book
from bot.console.routes import router as console_router


def _solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small one-colour PNG, so a photo attachment can point at this server."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PHOTO_PNG = _solid_png(160, 120, (120, 144, 156))
REFUND_QUESTION = (
    "Order A1001 (Wireless earbuds, 39.99 USD) was delivered 3 days ago, so it can be refunded "
    "in full. Shall I refund 39.99 USD to your card?"
)
REFUND_DONE = "Done: your refund of 39.99 USD is approved. It reaches your card in 5 business days."
PHOTO_REQUEST = "I'm sorry it arrived damaged. Please attach a photo of the damage."
HANDOFF = "I'm passing your case to a customer-service agent. They will answer here."
GREETING = "Hi! I can help with refunds, returns, cancellations and missing parcels."

AuthHeader = Annotated[str | None, Header()]


class FakeApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass
class FakeConversation:
    conversation_id: str
    buyer_id: str
    status: str = "bot"
    expecting: str | None = None
    quick_replies: list[str] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    idempotency_keys: list[str | None] = field(default_factory=list)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Idempotency-Key
    transcript_reads: int = 0
    created_at: str = field(default_factory=lambda: _now())
    updated_at: str = field(default_factory=lambda: _now())

    def summary(self) -> dict[str, Any]:
        last = self.messages[-1] if self.messages else None
        return {
            "conversation_id": self.conversation_id,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_message": None
            if last is None
            else {
                "role": last["role"],
                "text": last["text"][:120],
                "created_at": last["created_at"],
            },
        }

    def transcript(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "status": self.status,
            "messages": [dict(m) for m in self.messages],
            "actions": [dict(a) for a in self.actions],
            "expecting": self.expecting,
            "quick_replies": list(self.quick_replies),
        }


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _bot(text: str, citations: list[str] | None = None) -> dict[str, Any]:
    return {"role": "bot", "text": text, "citations": citations or [], "created_at": _now()}


class FakeConversationApi:
    """The fake API's state plus the FastAPI app serving it and the chat page."""

    def __init__(self, jwt_secret: str) -> None:
        self.jwt_secret = jwt_secret
        self.conversations: dict[str, FakeConversation] = {}
        self.created = 0
        self.clause_reads: list[str] = []  # clause ids whose text the page asked for
        self._lock = threading.Lock()
        self.app = self._build_app()

    # -- what tests use -----------------------------------------------------------------------

    def conversations_of(self, buyer_id: str) -> list[FakeConversation]:
        with self._lock:
            return [c for c in self.conversations.values() if c.buyer_id == buyer_id]

    def only_conversation_of(self, buyer_id: str) -> FakeConversation:
        found = self.conversations_of(buyer_id)
        assert len(found) == 1, f"expected one conversation of {buyer_id}, found {len(found)}"
        return found[0]

    def seed(
        self,
        buyer_id: str,
        messages: list[dict[str, Any]],
        *,
        status: str = "bot",
        updated_at: str | None = None,
    ) -> FakeConversation:
        """A conversation the buyer had before this page opened (another tab, another day)."""
        with self._lock:
            conv = FakeConversation(f"conv-{uuid.uuid4().hex[:12]}", buyer_id, status=status)
            conv.messages = [{"citations": [], **m} for m in messages]
            if messages:
                conv.created_at = messages[0]["created_at"]
            conv.updated_at = updated_at or (messages[-1]["created_at"] if messages else _now())
            self.conversations[conv.conversation_id] = conv
            return conv

    def agent_reply(self, conversation_id: str, text: str, at: str | None = None) -> None:
        with self._lock:
            conv = self.conversations[conversation_id]
            conv.messages.append(
                {
                    "role": "agent",
                    "text": text,
                    "citations": [],
                    "agent_name": "Dana",
                    "created_at": at or _now(),
                }
            )
            conv.updated_at = _now()

    def close(self, conversation_id: str) -> None:
        with self._lock:
            self.conversations[conversation_id].status = "closed"
            self.conversations[conversation_id].updated_at = _now()

    # -- the script ---------------------------------------------------------------------------

    def _turn(self, conv: FakeConversation, text: str, attachments: list[dict[str, Any]]) -> dict:
        if "[422]" in text:
            raise FakeApiError(
                422,
                "validation_error",
                "attachments.0.url: the photo URL must start with http:// or https://",
                "attachments.0.url",
            )
        if conv.status == "closed":
            raise FakeApiError(409, "conflict", "the conversation is closed")
        conv.messages.append(
            {"role": "buyer", "text": text, "attachments": attachments, "created_at": _now()}
        )
        conv.updated_at = _now()
        replies: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        lowered = text.lower()
        if conv.status == "waiting_for_agent":
            pass  # a person answers, later, through the agent endpoints
        elif conv.expecting == "confirmation" and lowered in ("yes", "no"):
            conv.expecting, conv.quick_replies = None, []
            if lowered == "yes":
                action = {
                    "action_id": f"act-{uuid.uuid4().hex[:8]}",
                    "type": "refund",
                    "order_id": "A1001",
                    "amount": 39.99,
                    "currency": "USD",
                    "status": "approved",
                }
                actions.append(action)
                conv.actions.append(action)
                replies.append(_bot(REFUND_DONE, ["REF-5.1"]))
            else:
                replies.append(_bot("All right, nothing was changed."))
        elif "person" in lowered or "agent" in lowered:
            conv.status, conv.expecting, conv.quick_replies = "waiting_for_agent", None, []
            replies.append(_bot(HANDOFF, ["HLP-8.1"]))
        elif "refund" in lowered or (conv.expecting == "evidence" and attachments):
            conv.expecting, conv.quick_replies = "confirmation", ["Yes", "No"]
            replies.append(_bot(REFUND_QUESTION, ["RET-2.1", "REF-5.1"]))
        elif "broken" in lowered:
            conv.expecting, conv.quick_replies = "evidence", []
            replies.append(_bot(PHOTO_REQUEST, ["DMG-3.1"]))
        else:
            replies.append(_bot(GREETING))
        conv.messages.extend(replies)
        return {
            "conversation_id": conv.conversation_id,
            "status": conv.status,
            "messages": replies,
            "expecting": conv.expecting,
            "quick_replies": list(conv.quick_replies),
            "actions": actions,
            "nlu": {"intent": {"name": "request_refund", "confidence": 0.97}, "entities": []},
        }

    # -- HTTP ---------------------------------------------------------------------------------

    def _buyer(self, authorization: str | None) -> str:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise FakeApiError(
                401, "unauthorized", "missing bearer token in the Authorization header"
            )
        try:
            principal = verify_token(token, JwtPolicy.shared(self.jwt_secret))
        except AuthError as e:
            raise FakeApiError(401, "unauthorized", str(e)) from e
        if principal.role != "buyer":
            raise FakeApiError(403, "forbidden", "this endpoint needs a buyer token")
        return principal.subject

    def _conversation(self, conversation_id: str, buyer_id: str) -> FakeConversation:
        conv = self.conversations.get(conversation_id)
        if conv is None or conv.buyer_id != buyer_id:
            raise FakeApiError(404, "not_found", "conversation not found")
        return conv

    def _build_app(self) -> FastAPI:
        app = FastAPI()
        app.include_router(console_router)

        @app.exception_handler(FakeApiError)
        async def _error(_: Request, exc: FakeApiError) -> JSONResponse:
            body: dict[str, Any] = {"code": exc.code, "message": exc.message}
            if exc.field:
                body["field"] = exc.field
            return JSONResponse({"error": body}, status_code=exc.status)

        # The policy's clauses, from the real knowledge base (any signed-in buyer).
        @app.get("/v1/policies/clauses")
        async def clause_titles(authorization: AuthHeader = None) -> dict[str, Any]:
            self._buyer(authorization)
            return {
                "clauses": [
                    {"clause_id": c.clause_id, "title": c.title, "section": c.section}
                    for c in clause_book().values()
                ]
            }

        @app.get("/v1/policies/clauses/{clause_id}")
        async def clause(clause_id: str, authorization: AuthHeader = None) -> dict[str, Any]:
            self._buyer(authorization)
            with self._lock:
                self.clause_reads.append(clause_id)
            found = clause_book().get(clause_id)
            if found is None:
                raise FakeApiError(404, "not_found", f"clause {clause_id} not found")
            return {"clause_id": found.clause_id, "title": found.title,
                    "section": found.section, "text": found.text}  # fmt: skip

        @app.get("/fake/photo.png")
        async def photo() -> Response:
            return Response(PHOTO_PNG, media_type="image/png")

        @app.get("/v1/conversations")
        async def listing(authorization: AuthHeader = None) -> dict[str, Any]:
            buyer = self._buyer(authorization)
            with self._lock:
                mine = [c for c in self.conversations.values() if c.buyer_id == buyer]
                mine.sort(key=lambda c: (c.updated_at, c.created_at), reverse=True)
                return {"conversations": [c.summary() for c in mine]}

        @app.post("/v1/conversations", status_code=201)
        async def create(authorization: AuthHeader = None) -> dict[str, str]:
            buyer = self._buyer(authorization)
            with self._lock:
                self.created += 1
                conv = FakeConversation(f"conv-{uuid.uuid4().hex[:12]}", buyer)
                self.conversations[conv.conversation_id] = conv
            return {"conversation_id": conv.conversation_id}

        @app.post("/v1/conversations/{conversation_id}/messages")
        async def message(
            conversation_id: str,
            request: Request,
            authorization: AuthHeader = None,
            idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
        ) -> dict[str, Any]:
            buyer = self._buyer(authorization)
            body = await request.json()
            with self._lock:
                conv = self._conversation(conversation_id, buyer)
                conv.received.append(body)
                conv.idempotency_keys.append(idempotency_key)
                if idempotency_key in conv.responses:
                    return conv.responses[idempotency_key]  # a retry: the turn ran already
                response = self._turn(conv, body.get("text", ""), body.get("attachments") or [])
                if idempotency_key:
                    conv.responses[idempotency_key] = response
                return response

        @app.get("/v1/conversations/{conversation_id}")
        async def transcript(
            conversation_id: str, authorization: AuthHeader = None
        ) -> dict[str, Any]:
            buyer = self._buyer(authorization)
            with self._lock:
                conv = self._conversation(conversation_id, buyer)
                conv.transcript_reads += 1
                return conv.transcript()

        return app
