"""Shape checks for the blind multilingual evaluation data and the translated knowledge base.

The data is written by hand; these tests catch what a hand slips on (a misspelt intent or
clause id, a broken entity bracket, a clause lost or renumbered in a translation, an amount or
a day count changed while translating) before an evaluation silently scores against it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from retrieval.kb import load_knowledge_base

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICIES = REPO_ROOT / "data" / "policies"
NLU_BLIND = REPO_ROOT / "data" / "nlu" / "blind" / "multilingual"
EVAL = REPO_ROOT / "data" / "eval" / "multilingual"

LANGUAGES = ("ms", "id", "th", "vi", "tl")
# The contract's intents and entities (shared/docs/contract.md, sections 1 and 2).
INTENTS = {
    "cancel_order", "request_refund", "return_item", "track_refund", "track_order",
    "item_not_received", "damaged_item", "wrong_item", "ask_policy", "payment_issue",
    "change_order", "complaint", "request_human", "inform", "affirm", "deny", "greet",
    "goodbye", "thank", "out_of_scope",
}  # fmt: skip
ENTITIES = {"order_id", "tracking_number", "amount", "product", "date", "email"}
ENTITY = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The locale the app sends for each language code.
LOCALE_LANGUAGE = {"en": "en", "ms": "ms", "id": "id", "th": "th", "vi": "vi", "fil": "tl"}


def english_clause_ids() -> set[str]:
    return {clause.clause_id for clause in load_knowledge_base(POLICIES)}


def blind_examples(language: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((NLU_BLIND / f"{language}.yml").read_text(encoding="utf-8"))
    examples = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                examples.append((block["intent"], line.strip()[2:]))
    return examples


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("language", LANGUAGES)
def test_blind_nlu_set_covers_every_intent_with_a_fifth_out_of_scope(language: str) -> None:
    examples = blind_examples(language)
    per_intent = Counter(intent for intent, _ in examples)
    assert len(examples) >= 160
    assert set(per_intent) == INTENTS
    assert min(per_intent.values()) >= 6
    assert 0.15 <= per_intent["out_of_scope"] / len(examples) <= 0.25
    texts = Counter(ENTITY.sub(r"\1", text).lower() for _, text in examples)
    assert [text for text, count in texts.items() if count > 1] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_blind_nlu_entities_are_contract_entities_with_closed_brackets(language: str) -> None:
    for _, text in blind_examples(language):
        assert {name for _, name in ENTITY.findall(text)} <= ENTITIES, text
        assert "](" not in ENTITY.sub("", text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_policy_questions_cite_existing_clauses(language: str) -> None:
    questions = read_jsonl(EVAL / f"policy_questions_{language}.jsonl")
    clause_ids = english_clause_ids()
    assert len(questions) >= 40
    assert len({q["id"] for q in questions}) == len(questions)
    for q in questions:
        assert q["id"].startswith(f"{language}-q")
        assert set(q["relevant"]) <= clause_ids, q
        assert q["answerable"] is bool(q["relevant"]), q
    unanswerable = sum(not q["answerable"] for q in questions)
    assert 0.10 <= unanswerable / len(questions) <= 0.20


def test_language_id_set_is_balanced_and_locales_match_languages() -> None:
    rows = read_jsonl(EVAL / "language_id.jsonl")
    assert Counter(row["language"] for row in rows) == {
        language: 50 for language in ("en", *LANGUAGES)
    }
    with_locale = [row for row in rows if "locale" in row]
    assert 0.25 <= len(with_locale) / len(rows) <= 0.40
    for row in with_locale:
        assert LOCALE_LANGUAGE[row["locale"].split("-")[0]] == row["language"], row


def test_e2e_scripts_cover_four_flows_in_six_languages() -> None:
    data = yaml.safe_load((EVAL / "e2e_conversations.yml").read_text(encoding="utf-8"))
    conversations = data["conversations"]
    clause_ids = english_clause_ids()
    pairs = Counter((c["language"], c["flow"]) for c in conversations)
    flows = {"cancel_unshipped", "damaged_refund", "item_not_received", "policy_question"}
    assert set(pairs) == {(language, flow) for language in ("en", *LANGUAGES) for flow in flows}
    assert set(pairs.values()) == {1}
    for c in conversations:
        assert c["messages"], c["id"]
        assert set(c["answers"]) == {"order", "reason", "photo", "confirm_yes", "confirm_no"}
        assert c["expected"]["outcome"] in {"cancel", "refund", "hand_off", "answer"}
        assert set(c["expected"]["clauses"]) <= clause_ids, c["id"]
        if c["flow"] == "damaged_refund":
            assert "https://" in c["answers"]["photo"], c["id"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_knowledge_base_keeps_files_clause_ids_and_numbers(language: str) -> None:
    english = load_knowledge_base(POLICIES)
    translated = load_knowledge_base(POLICIES / "i18n" / language)  # the same strict loader
    assert [(c.source, c.clause_id) for c in translated] == [
        (c.source, c.clause_id) for c in english
    ]
    for source, target in zip(english, translated, strict=True):
        # Every amount, day count and percentage of the English clause is kept exactly.
        missing = Counter(NUMBER.findall(source.text)) - Counter(NUMBER.findall(target.text))
        assert not missing, (target.clause_id, dict(missing))
        assert source.text.count("\n- ") == target.text.count("\n- "), target.clause_id
