"""The policy's clauses for people (issue 15): a quoted policy sentence names the clauses it
refers to by their titles, and cites them, instead of showing codes a buyer cannot look up."""

from bot.clauses import CLAUSE_CODE, clause_book, clause_book_in, policy_quote, readable
from bot.language.catalogue import speaking
from retrieval.answer import PolicyAnswer
from tests.utils.builders import bot_text


def test_the_book_has_every_clause_by_id():
    book = clause_book()
    assert book["RET-2.6"].title and book["DMG-3.5"].title == "What photos to send and how"


def test_codes_become_titles_and_citations():
    text, referred = readable(
        "Pack the item with everything that came with it (RET-2.6). DMG-3.5 explains what to "
        "photograph; returns follow the rules (RET-2.1 to RET-2.4), see also (see RET-2.7)."
    )
    book = clause_book()
    assert not CLAUSE_CODE.search(text), text
    assert f"(see “{book['RET-2.6'].title}”)" in text
    assert text.count("“What photos to send and how” explains what to photograph") == 1
    assert f"(see “{book['RET-2.1'].title}” to “{book['RET-2.4'].title}”)" in text
    assert referred == ("RET-2.6", "DMG-3.5", "RET-2.1", "RET-2.4", "RET-2.7")


def test_text_without_codes_and_unknown_codes_are_left_alone():
    assert readable("Refunds take 5–10 business days.") == ("Refunds take 5–10 business days.", ())
    assert readable("Order AB-12.3 is fine (XYZ-9.9).") == ("Order AB-12.3 is fine (XYZ-9.9).", ())


def test_the_bots_policy_answer_names_referred_clauses_by_title(chat, answerer):
    answerer.text = "Pack the item with everything that came with it (RET-2.6)."
    turn = chat.say("how do I pack a return? is there a rule")
    said = bot_text(turn)
    assert "RET-2.6" not in said and clause_book()["RET-2.6"].title in said
    assert turn["messages"][0]["citations"] == ["RET-2.1", "RET-2.6"]


def test_a_translated_quote_names_its_clauses_in_its_own_language():
    answer = PolicyAnswer(
        "Tolak paket saat kurir mengantarkannya (lihat CAN-1.5), atau kembalikan (RET-2.1).",
        ("CAN-1.2",),
        True,
        (),
        language="id",
    )
    with speaking("id"):
        text, referred = policy_quote(answer, "id")
    book = clause_book_in("id")
    assert f"(lihat “{book['CAN-1.5'].title}”)" in text
    assert f"(lihat “{book['RET-2.1'].title}”)" in text
    assert book["RET-2.1"].title != clause_book()["RET-2.1"].title  # not the English one
    assert "Inggris" not in text  # not introduced as English: it is not
    assert referred == ("CAN-1.5", "RET-2.1")


def test_an_english_quote_to_another_language_says_it_is_english():
    answer = PolicyAnswer("Pack it with everything (RET-2.6).", ("RET-2.5",), True, ())
    with speaking("id"):
        text, _ = policy_quote(answer, "id")
    assert "Inggris" in text and f"(see “{clause_book()['RET-2.6'].title}”)" in text
