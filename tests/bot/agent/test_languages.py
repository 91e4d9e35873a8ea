"""Agents see the buyer's language: in the queue, on the case, and the English of each bot
message the buyer read in their own language."""

from bot.language.catalogue import catalogue


def test_the_queue_and_the_case_show_the_language_and_the_english(
    chat, nlu, bot_client, agent_headers
):
    text = "cho mình gặp nhân viên hỗ trợ với"
    nlu.script[text] = "request_human"
    turn = chat.say(text)
    assert turn["status"] == "waiting_for_agent"

    queue = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    [row] = [c for c in queue if c["conversation_id"] == chat.id]
    assert row["language"] == "vi"

    case = bot_client.get(f"/v1/agent/cases/{row['case_id']}", headers=agent_headers).json()
    assert case["language"] == "vi"
    buyer, bot, wait = case["transcript"]  # the hand-off, then when an agent will answer
    assert (buyer["language"], buyer["text"]) == ("vi", text)
    assert "text_en" not in buyer  # the buyer's own words are shown as written
    assert bot["language"] == "vi"
    assert bot["text"].startswith(catalogue("vi")["asked_for_person"].split("{")[0])
    assert bot["text_en"] == (
        "Of course. I've passed this to a person on our customer-service team; an agent will "
        "reply here."
    )
    assert wait["language"] == "vi" and wait["text_en"].startswith("Our agents"), wait


def test_the_hand_back_to_the_bot_is_said_in_the_buyer_language(
    chat, nlu, bot_client, agent_headers
):
    text = "ขอคุยกับเจ้าหน้าที่หน่อยครับ"
    nlu.script[text] = "request_human"
    chat.say(text)
    queue = bot_client.get("/v1/agent/queue", headers=agent_headers).json()["cases"]
    [row] = [c for c in queue if c["conversation_id"] == chat.id]
    response = bot_client.post(
        f"/v1/agent/cases/{row['case_id']}/release", json={"to": "bot"}, headers=agent_headers
    )
    assert response.status_code == 200, response.text
    last = chat.view()["messages"][-1]
    assert last["text"].startswith(catalogue("th")["released_to_bot"].split("{")[0])


def test_an_english_conversation_stores_no_separate_english(chat, nlu, world_db):
    from bot.store.conversations import ConversationRepository

    chat.say("please cancel order P100")
    messages = ConversationRepository(world_db.sessions).messages(chat.id)
    assert all(m.text_en is None for m in messages)
    assert {m.language for m in messages} == {"en"}
