"""Who pays (issue 18): every remedy's ledger row names the party section 7 holds responsible,
and the per-party statements of a period add up to the period's ledger."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from bot.store.models import ActionRow
from bot.store.statements import PARTIES
from tests.bot.disputes.conftest import agent_case, open_dispute, run_jobs
from tests.utils.builders import NOW, Chat

PHOTO = "https://img.example.com/mug.jpg"
WINDOW = {
    "since": (NOW - timedelta(days=1)).isoformat(),
    "until": (NOW + timedelta(days=5)).isoformat(),
}


def _ledger(client) -> list[ActionRow]:
    with client.app.state.services.database.sessions() as session:
        return list(session.scalars(select(ActionRow)))


def _statement(client, headers, party, id=None, **params):
    query = {"party": party, **WINDOW, **params, **({"id": id} if id else {})}
    return client.get("/v1/analytics/statements", params=query, headers=headers)


def test_statements_add_up_to_the_ledger(
    app_client, buyer_headers, agent_headers, seller_headers, clock
):
    # The bot's own refund: a broken mug under $25 (DMG-3.2).
    mug = Chat(app_client, buyer_headers)
    mug.say("my mug D201 arrived broken", photo=PHOTO)
    assert mug.say("yes")["actions"][0]["amount"] == 12.0
    # A dispute the seller lets run out: refunded by the scheduler.
    laptop = Chat(app_client, buyer_headers)
    case = agent_case(app_client, laptop, agent_headers)
    open_dispute(app_client, case["case_id"], agent_headers, amount=250)
    clock.advance(timedelta(hours=49))
    assert run_jobs(app_client) == 2  # reminder, timeout

    ledger = _ledger(app_client)
    assert len(ledger) == 2
    assert all(row.responsible_party is not None for row in ledger)
    parties = _statement(app_client, agent_headers, "platform").json()["parties"]
    assert parties and {p["party"] for p in parties} <= set(PARTIES)
    # A broken item is the carrier's or the seller's (RESP-7.1/7.2), never "nobody".
    assert {row.responsible_party for row in ledger} <= {"carrier", "seller"}
    total = 0.0
    lines = 0
    for p in parties:
        body = _statement(app_client, agent_headers, p["party"], p["id"]).json()
        total += body["totals"].get("total", {}).get("USD", 0.0)
        lines += body["count"]
    assert lines == len(ledger)
    assert round(total, 2) == float(sum(row.amount for row in ledger))

    # The seller's own statement holds only what was charged to them, and comes as CSV too.
    seller = _statement(app_client, agent_headers, "seller", "S3").json()
    charged = [r for r in ledger if r.responsible_party == "seller"]
    assert seller["count"] == len(charged)
    as_csv = _statement(app_client, {**agent_headers, "Accept": "text/csv"}, "seller", "S3")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["action_id"] for r in rows] == [line["action_id"] for line in seller["lines"]]
    same = _statement(app_client, agent_headers, "seller", "S3", format="csv")
    assert same.text == as_csv.text


def test_statements_need_an_agent_and_an_id_for_sellers(app_client, agent_headers, seller_headers):
    assert _statement(app_client, {}, "seller", "S3").status_code == 401
    assert _statement(app_client, seller_headers, "seller", "S3").status_code == 403
    missing = _statement(app_client, agent_headers, "seller")
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "id"
    wrong = _statement(app_client, agent_headers, "nobody")
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "party"
    empty = _statement(app_client, agent_headers, "carrier", "SPX").json()
    assert empty["count"] == 0 and empty["totals"] == {}
