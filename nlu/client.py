"""The :class:`Parser` protocol and its real implementation over Rasa's HTTP API."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import httpx

from nlu import long_text
from nlu.adapter import parse_result_from_rasa
from nlu.errors import NluBadResponse, NluUnavailable
from nlu.types import ParseResult, Thresholds


@runtime_checkable
class Parser(Protocol):
    """Anything that turns a buyer message into a :class:`ParseResult`."""

    async def parse(self, text: str) -> ParseResult: ...

    async def is_ready(self) -> bool: ...

    async def aclose(self) -> None: ...


class RasaHttpParser:
    """Client of a ``rasa run --enable-api --auth-token TOKEN`` server (``POST /model/parse``).

    ``token`` is sent as the ``token`` query parameter of every request, which is how Rasa's
    HTTP API takes it (``rasa.server.requires_auth``: ``/status`` and ``/model/parse`` answer
    401 without it when the server was started with ``--auth-token``).

    One pooled :class:`httpx.AsyncClient` per instance; build it once (in the app's lifespan)
    and share it. A connection failure, a timeout or a 5xx is retried once, then raised as
    :class:`NluUnavailable` so the caller can hand the case to a person.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 2.0,
        thresholds: Thresholds | None = None,
        retries: int = 1,
        max_connections: int = 32,
        transport: httpx.AsyncBaseTransport | None = None,
        token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.thresholds = thresholds or Thresholds()
        self.retries = retries
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            # The whole budget applies to each attempt; connecting gets less so that a dead
            # server is noticed quickly and the retry still fits.
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 0.5)),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            transport=transport,
            params={"token": token} if token else None,
        )

    async def parse(self, text: str) -> ParseResult:
        """The message's reading; a long one is also read sentence by sentence
        (:mod:`nlu.long_text`), one request per sentence after the whole."""
        whole = await self._parse_once(text)
        if not long_text.is_long(text):
            return whole
        parts = []
        for start, end in long_text.spans_to_read(text):
            parts.append(((start, end), await self._parse_once(text[start:end])))
        return long_text.combine(whole, parts)

    async def _parse_once(self, text: str) -> ParseResult:
        last_error: Exception | None = None
        for _attempt in range(self.retries + 1):
            try:
                response = await self._client.post("/model/parse", json={"text": text})
            except httpx.TimeoutException as e:
                last_error = e
                continue
            except httpx.TransportError as e:
                last_error = e
                continue
            if response.status_code >= 500:
                last_error = NluUnavailable(f"Rasa answered HTTP {response.status_code}")
                continue
            if response.status_code in (401, 403):
                raise NluBadResponse(
                    f"Rasa refused the bot's token: HTTP {response.status_code} (the bot's "
                    "AFTERSALES_RASA_TOKEN must be Rasa's --auth-token)"
                )
            if response.status_code != 200:
                raise NluBadResponse(
                    f"Rasa refused the parse request: HTTP {response.status_code} "
                    f"{response.text[:200]}"
                )
            try:
                payload = response.json()
            except ValueError as e:
                raise NluBadResponse("Rasa answered with a body that is not JSON") from e
            return parse_result_from_rasa(payload, text, self.thresholds)
        raise NluUnavailable(
            f"Rasa at {self.base_url} did not answer within {self.timeout_s}s "
            f"after {self.retries + 1} attempts: {last_error!r}"
        ) from last_error

    async def is_ready(self) -> bool:
        """True when the server answers and has a model loaded."""
        try:
            response = await self._client.get("/status")
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            return bool(response.json().get("model_file"))
        except ValueError:
            return False

    async def aclose(self) -> None:
        await self._client.aclose()


class RasaPool:
    """Several Rasa servers behind one :class:`Parser`: each parse goes to the server with the
    fewest parses in flight from this process, and to the next one if it is unavailable.

    One Rasa process saturates at ~50 parses/s on two cores (README); a second one lets two
    parses run at once instead of queueing. A server that fails is not taken out of the
    pool: the in-flight count sends it fewer parses only while it is slow, and a dead one
    costs its connect timeout before the next is asked.
    """

    def __init__(self, parsers: list[RasaHttpParser]) -> None:
        if not parsers:
            raise ValueError("a Rasa pool needs at least one server")
        self.parsers = parsers
        self._in_flight = [0] * len(parsers)
        self._next = 0  # ties go round-robin, so an idle pool still spreads its parses

    def _order(self) -> list[int]:
        n = len(self.parsers)
        start = self._next
        self._next = (self._next + 1) % n
        rotated = [(start + i) % n for i in range(n)]
        return sorted(rotated, key=lambda i: self._in_flight[i])

    async def parse(self, text: str) -> ParseResult:
        last_error: NluUnavailable | None = None
        for index in self._order():
            self._in_flight[index] += 1
            try:
                return await self.parsers[index].parse(text)
            except NluUnavailable as e:
                last_error = e
            finally:
                self._in_flight[index] -= 1
        assert last_error is not None
        raise last_error

    async def is_ready(self) -> bool:
        """Ready while at least one server is: the others' parses fail over to it."""
        for parser in self.parsers:
            if await parser.is_ready():
                return True
        return False

    async def aclose(self) -> None:
        for parser in self.parsers:
            await parser.aclose()
