"""The seeded typo generator of the spelling normaliser's dev set (lab.nlu.typos)."""

import random

from lab.nlu.typos import misspell, noisy, rewrite_examples


def test_the_same_seed_gives_the_same_typos():
    text = "can i send back a lipstick i already opened? just asking"
    assert noisy(text, random.Random(3), 0.5) == noisy(text, random.Random(3), 0.5)
    assert noisy(text, random.Random(3), 1.0) != text


def test_a_typo_keeps_the_first_letter_and_changes_the_word():
    rng = random.Random(0)
    for word in ("refund", "please", "delivered", "account", "phone"):
        for _ in range(20):
            typo = misspell(word, rng)
            assert typo != word and typo[0] == word[0]


def test_ids_amounts_emails_caps_and_short_words_are_left_alone():
    text = "order D-1002 cost $45.00, mail jane@shop.com, DHL, ok"
    out = noisy(text, random.Random(1), 1.0).split()
    assert out[0] != "order"  # every eligible word is misspelt at rate 1
    assert [out[1], out[3], out[5], out[6], out[7]] == ["D-1002", "$45.00,", "jane@shop.com,",
                                                         "DHL,", "ok"]  # fmt: skip


def test_annotated_entities_and_lookups_stay_as_written():
    source = (
        "nlu:\n- intent: return_item\n  examples: |\n"
        "    - return the [yoga mat](product) from [D-1002](order_id) please\n"
        "- lookup: product\n  examples: |\n    - yoga mat\n"
    )
    out = rewrite_examples(source, lambda s: s.upper())
    assert "    - RETURN THE [yoga mat](product) FROM [D-1002](order_id) PLEASE\n" in out
    assert out.endswith("- lookup: product\n  examples: |\n    - yoga mat\n")
