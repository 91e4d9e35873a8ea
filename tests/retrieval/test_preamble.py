"""A buyer's greeting and "may I ask" are not searched; the question is, and never nothing."""

import pytest

from retrieval.preamble import without_preamble


@pytest.mark.parametrize(
    ("said", "question"),
    [
        ("hi! quick q - if something breaks after a month, is that it??", "if something breaks"),
        ("Hey there, can I ask something? how long do refunds take", "how long do refunds take"),
        ("Hello dear, I have a problem", "I have a problem"),
        ("Hi, tanong lang po. Bumili ako ng boxer briefs", "Bumili ako ng boxer briefs"),
        ("Salam. Saya nak tanya sikit. Kawan saya kata", "Kawan saya kata"),
        ("kak mau nanya, kalo paket udh terkirim", "kalo paket udh terkirim"),
        ("สวัสดีครับ ขอสอบถามหน่อยครับ ถ้าได้ของแล้วเปลี่ยนใจ", "ถ้าได้ของแล้วเปลี่ยนใจ"),
        ("สวัสดีครับ ผมอายุมากแล้ว อยากเรียนถามว่า ถ้าผมสั่งของ", "ถ้าผมสั่งของ"),
        ("shop ơi cho hỏi xíu 🙏 đơn mà giao trễ thì sao", "đơn mà giao trễ thì sao"),
    ],
)
def test_the_lead_is_taken_off(said, question):
    assert without_preamble(said).startswith(question)


@pytest.mark.parametrize(
    "said",
    [
        "hi",  # nothing else: kept whole
        "history of my refunds?",  # "hi" inside a word
        "shop có cửa hàng ở Hà Nội không?",  # the shop as the subject, not addressed
        "hoi ve don hang",  # "ask about the order": the question itself
        "how long do refunds take",
    ],
)
def test_a_text_without_a_lead_is_unchanged(said):
    assert without_preamble(said) == said


def test_the_answerer_searches_the_question_without_its_greeting(monkeypatch):
    from retrieval import answer

    seen = []
    monkeypatch.setattr(
        answer.PolicyAnswerer, "_answer_whole", lambda self, q, s: seen.append(q) or _declined()
    )
    answerer = answer.PolicyAnswerer.__new__(answer.PolicyAnswerer)
    answerer.answer("Good morning team! how long do I have to return shoes?")
    assert seen[0] == "how long do I have to return shoes?"


def _declined():
    from retrieval.answer import PolicyAnswer

    return PolicyAnswer("not sure", (), False, ())
