"""The policy's clauses by id (issue 15): titles for the chat's and the console's citations, the
clause's text on a tap; any signed-in buyer or agent may read them."""

from tests.bot.conftest import token_headers


def test_clause_titles_list_every_clause_in_the_policys_order(client, agent_headers):
    response = client.get("/v1/policies/clauses", headers=agent_headers)
    assert response.status_code == 200
    clauses = response.json()["clauses"]
    ids = [c["clause_id"] for c in clauses]
    assert ids[0] == "CAN-1.1" and "DMG-3.1" in ids and len(ids) == len(set(ids)) >= 40
    dmg = next(c for c in clauses if c["clause_id"] == "DMG-3.1")
    assert dmg == {
        "clause_id": "DMG-3.1",
        "title": "Report within 15 days after delivery, with at least one photo",
        "section": "Damaged, defective, wrong or not-as-described items",
    }


def test_one_clause_has_its_text_for_a_buyer_too(client):
    response = client.get("/v1/policies/clauses/dmg-3.1", headers=token_headers("B17"))
    assert response.status_code == 200
    body = response.json()
    assert body["clause_id"] == "DMG-3.1" and body["title"].startswith("Report within 15 days")
    assert "at least one photo" in body["text"]


def test_unknown_clause_is_404_and_strangers_are_401(client, agent_headers):
    missing = client.get("/v1/policies/clauses/XYZ-9.9", headers=agent_headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/v1/policies/clauses").status_code == 401
    assert client.get("/v1/policies/clauses/DMG-3.1").status_code == 401
    too_long = client.get("/v1/policies/clauses/" + "A" * 40, headers=agent_headers)
    assert too_long.status_code == 422
