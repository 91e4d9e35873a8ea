"""Redaction runs in bounded time whatever a buyer types (no catastrophic backtracking).

One planted buyer message ("a_a_a_...a!") froze the analytics report: the e-mail pattern took
exponential time on it. Every input below is built to make one family of patterns backtrack, and
must be redacted within ``LIMIT_S``. Python's ``re`` cannot be interrupted, so each run happens
in a forked child that is killed at ``HARD_LIMIT_S``: a regression fails here, it does not hang
the suite.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import structlog
from structlog.testing import LogCapture

from bot.analytics import (
    redact,
    redact_budget,
    redact_ids,
    redact_patterns,
    redact_scan,
    redact_words,
)
from bot.analytics.redact import (
    MAX_REDACT_CHARS,
    REDACTION_BUDGET_S,
    Redactor,
    apply_redactions,
    load_redactor,
)

LIMIT_S = 1.0  # CPU seconds one message may take, measured in the child
HARD_LIMIT_S = 10.0  # when the child is killed and the test fails
MB = 1_000_000

# (name, text): each is built to make a pattern family backtrack.
ADVERSARIAL: list[tuple[str, str]] = [
    # e-mail, spelled-out e-mail: word/separator runs, and '@' everywhere
    ("known a_a_a_a!", "a_" * 40 + "a!"),
    ("a_ run", "a_" * 25_000 + "a!"),
    ("underscores", "_" * 50_000),
    ("a. run", "a." * 25_000 + "!"),
    ("A. run", "A." * 25_000),
    ("a- run", "a-" * 25_000 + "!"),
    ("No. run", "No." * 16_000 + "!"),
    ("a@ x5000", "a@" * 5_000),
    ("a@ x25000", "a@" * 25_000),
    ("at signs", "@" * 50_000),
    ("long local part", "a" * 50_000 + "@"),
    ("long domain", "x@" + "a." * 25_000 + "!"),
    ("spelled dots", "x at " + "a dot " * 8_000 + "!"),
    ("dot words", " dot" * 12_500 + "!"),
    ("bracket dots", "x [at] " + "a(dot)" * 8_000 + "!"),
    # card, phone: digits with and without separators
    ("digits", "1" * 50_000),
    ("zeros", "0" * 50_000 + "x"),
    ("digits and spaces", "1 " * 25_000),
    ("digits and hyphens", "1-" * 25_000),
    ("digits and dots", "1." * 25_000),
    ("plus digits", " +" + "1" * 50_000 + "x"),
    ("plus runs", "+1" * 25_000),
    ("local phone groups", "(02) " + "12 " * 16_000),
    # amounts, order ids: thousands groups
    ("thousands commas", "111," * 12_500 + "!"),
    ("thousands dots", "111." * 12_500 + "x"),
    ("dollar thousands", "$1" + ",111" * 12_500 + "x"),
    ("hashes", "#1" * 25_000),
    # addresses: whitespace between the parts of an anchor
    ("RT spaces", "RT" + " " * 50_000 + "x"),
    ("RT tabs", "RT" + "\t" * 50_000 + "!"),
    ("RT slash spaces", "RT 1" + " " * 50_000 + "x"),
    ("Blk spaces", "Blk" + " " * 50_000 + "x"),
    ("Jalan No", "Jalan " + "No " * 16_000),
    ("address cue", "address 1" + " " * 50_000 + "!"),
    ("Singapore spaces", "Singapore" + " " * 50_000 + "x"),
    ("capitalised words", "A " * 25_000),
    ("house numbers", "1 A " * 12_000 + "!"),
    ("Moo", "1 Moo " * 8_000),
    ("slashes", "1/" * 25_000 + "!"),
    # names and places after cues, signatures
    ("name cue spaces", "name" + " " * 50_000 + "x"),
    ("I am tabs", "I am" + "\t" * 50_000 + "x"),
    ("honorific spaces", "Mr" + " " * 50_000 + "x"),
    ("place cue spaces", "from" + " " * 50_000 + "x"),
    ("signature capitals", "- " + "A" * 50_000 + "!"),
    ("signature camel", "- " + "Ab" * 25_000 + "!"),
    ("signature a_", "- A" + "a_" * 25_000 + "a!"),
    ("name here", ". " + "A" * 50_000 + "!"),
    ("sentences", "Aaa. " * 10_000),
    # spaCy: its tokenizer is quadratic on a run of punctuation, NER linear in the tokens
    ("parentheses", "(" * 50_000),
    ("quotes", "'" * 50_000),
    ("punctuation words", "((((( " * 8_000),
    ("hyphenated capitals", "A-" * 25_000),
    # the markets' ID cards, Thai addresses and names, administrative units (issue 16)
    ("ID cue gap", "NIK " + "a " * 25_000 + "1" * 16),
    ("ID cues", "IC " * 16_000 + "1"),
    ("ID digit groups", "1 2-" * 12_000),
    ("NRIC run", "S1234567" * 6_000),
    ("Thai keys", "ซอย" * 16_000),
    ("Thai parts", "หมู่ 1 " * 7_000),
    ("Thai key dots", "ม." * 25_000),
    ("Thai name cues", "ชื่อ" * 12_000),
    ("Thai name words", "ชื่อ " + "กก " * 16_000),
    ("admin units", "Kec. A " * 8_000),
    ("admin unit spaces", "phường" + " " * 50_000 + "x"),
    ("lower-case name cues", "nama saya " * 5_000),
    ("address cue o", "ở 1 A " * 8_000),
    # the rest
    ("hyphens", "-" * 50_000),
    ("spaces", " " * 50_000 + "x"),
    ("newlines", "\n" * 50_000 + "x"),
    ("commas", "a, " * 16_000 + "!"),
]


def _in_child(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """(seconds, result) of ``fn(*args)`` run in a forked child; fails past ``HARD_LIMIT_S``."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        # CPU time of the child, not wall time: the bound is about backtracking, and a loaded
        # machine (other jobs on the two cores) stretched wall times past it with linear patterns.
        started = time.process_time()
        result = fn(*args)
        sender.send((time.process_time() - started, result))

    process = context.Process(target=child, daemon=True)
    process.start()
    try:
        if not receiver.poll(HARD_LIMIT_S):
            pytest.fail(f"still running after {HARD_LIMIT_S} s (killed)")
        return receiver.recv()
    finally:
        process.kill()
        process.join()


def _pattern_stage(text: str) -> list[tuple[int, int, str]]:
    """Every module-level pattern over the whole text (linear in any length), then the pattern
    stage over what the redactor analyses of it (its Python is bounded by that length)."""
    # The redactor's modules import each other's patterns: each pattern once.
    patterns = {
        id(value): value
        for module in (
            redact,
            redact_words,
            redact_patterns,
            redact_scan,
            redact_budget,
            redact_ids,
        )
        for value in vars(module).values()
        if isinstance(value, re.Pattern)
    }
    for pattern in patterns.values():
        for _ in pattern.finditer(text):
            pass
    for pattern, _, _ in redact_patterns._PHONES:
        for _ in pattern.finditer(text):
            pass
    redact_scan._find_protected(text)
    head = text[: redact_budget._analysed_length(text)]
    return [(r.start, r.end, r.label) for r in redact_scan._pattern_redactions(head)]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return load_redactor()


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the redactor logs, whatever structlog's configuration."""
    capture = LogCapture()
    logger = structlog.wrap_logger(
        structlog.testing.ReturnLogger(), processors=[capture], wrapper_class=structlog.BoundLogger
    )
    monkeypatch.setattr(redact, "log", logger)
    return capture.entries


@pytest.mark.parametrize(("name", "text"), ADVERSARIAL, ids=[n for n, _ in ADVERSARIAL])
def test_every_pattern_runs_in_linear_time_on_adversarial_input(name: str, text: str) -> None:
    seconds, _ = _in_child(_pattern_stage, text)
    assert seconds < LIMIT_S, f"{name}: {seconds:.2f} s"


@pytest.mark.parametrize(("name", "text"), ADVERSARIAL, ids=[n for n, _ in ADVERSARIAL])
def test_the_redactor_answers_in_time_on_adversarial_input(
    redactor: Redactor, name: str, text: str
) -> None:
    seconds, out = _in_child(redactor.redact, text)
    assert seconds < LIMIT_S, f"{name}: {seconds:.2f} s"
    assert isinstance(out, str)


def test_a_megabyte_message_is_redacted_in_time(redactor: Redactor) -> None:
    chunk = (
        "Hi I'm Tan Wei Ming from Bedok, order #A1001: mail tan.wm@gmail.com or call "
        "+65 9123 4567, card 4111 1111 1111 1111, Blk 123 Tampines Street 11 #05-12. "
    )
    text = chunk * (MB // len(chunk) + 1)
    seconds, out = _in_child(redactor.redact, text)
    assert seconds < LIMIT_S, f"{seconds:.2f} s"
    for leaked in ("tan.wm@gmail.com", "9123 4567", "4111 1111", "Tan Wei Ming", "Tampines"):
        assert leaked not in out
    assert out.startswith("Hi I'm [NAME] from [PLACE], order #A1001: mail [EMAIL] or call [PHONE]")


def test_the_limits_leave_room_for_the_budget() -> None:
    # The API takes 2,000 characters from a buyer and 4,000 from an agent: none is ever cut.
    assert MAX_REDACT_CHARS >= 4_000
    assert REDACTION_BUDGET_S < LIMIT_S / 2


# --- the length limit -----------------------------------------------------------------------------


def test_text_past_the_limit_is_dropped_and_marked(
    redactor: Redactor, logs: list[dict[str, Any]]
) -> None:
    text = "Hi I'm Tan Wei Ming, mail tan.wm@gmail.com pls. " + (
        "call +65 9123 4567, I'm Siti Aminah from Bedok. " * 200
    )
    assert len(text) > 2 * MAX_REDACT_CHARS
    out = redactor.redact(text)
    assert out.startswith("Hi I'm [NAME], mail [EMAIL] pls. call [PHONE], I'm [NAME] from [PLACE].")
    assert out.endswith("[TRUNCATED]")
    assert len(out) < MAX_REDACT_CHARS * 1.2
    for leaked in ("9123", "Siti", "Bedok", "tan.wm"):
        assert leaked not in out
    assert [e["event"] for e in logs] == ["redaction_truncated"]
    assert logs[0]["chars"] == len(text)
    spans = redactor.find(text)
    assert (spans[-1].end, spans[-1].label) == (len(text), "TRUNCATED")
    assert text[spans[-1].start] == " "  # cut between words


def test_a_long_word_is_cut_at_the_limit(redactor: Redactor) -> None:
    out = redactor.redact("x" * (MAX_REDACT_CHARS * 3))
    assert out == "x" * MAX_REDACT_CHARS + "[TRUNCATED]"


def test_text_within_the_limit_is_not_cut(redactor: Redactor, logs: list[dict[str, Any]]) -> None:
    text = ("my parcel is late, " * 1000)[:MAX_REDACT_CHARS]
    assert redactor.redact(text) == text
    assert logs == []


# --- the time budget ------------------------------------------------------------------------------


def test_a_message_over_budget_gets_the_conservative_redaction(
    redactor: Redactor, logs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redact, "REDACTION_BUDGET_S", -1.0)
    text = "hi, call me +65 9123 4567 or mail siti.a@gmail.com; [EMAIL], Siti Aminah from bedok"
    assert redactor.redact(text) == (
        "hi, call me [REDACTED] or mail [REDACTED] [EMAIL], [REDACTED] from bedok"
    )
    assert [e["event"] for e in logs] == ["redaction_over_budget"]
    assert logs[0]["chars"] == len(text)
    assert text not in str(logs)  # the text itself is never logged


def test_only_the_slow_message_falls_back(
    redactor: Redactor, logs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = redact._pattern_redactions

    def slow_on_one(text: str, deadline: float = float("inf")) -> list[redact.Redaction]:
        if "slow" in text:
            time.sleep(REDACTION_BUDGET_S * 1.5)
        return real(text, deadline)

    monkeypatch.setattr(redact, "_pattern_redactions", slow_on_one)
    texts = ["I'm Siti, call 9123 4567", "slow one, call 9123 4567", "order A1001 is late"]
    assert redactor.redact_many(texts) == [
        "I'm [NAME], call [PHONE]",
        "slow one, call [REDACTED]",
        "order A1001 is late",
    ]
    assert [e["event"] for e in logs] == ["redaction_over_budget"]


def test_the_pattern_stage_stops_at_its_deadline() -> None:
    text = "call +65 9123 4567 " * 50
    with pytest.raises(redact_budget._OverBudget):
        redact_scan._pattern_redactions(text, deadline=time.perf_counter() - 1)
    assert redact_scan._pattern_redactions(text, deadline=time.perf_counter() + 60)


def test_the_conservative_redaction_keeps_placeholders_and_lower_case_words() -> None:
    text = "[NAME] here, [EMAIL]. order A1001 of RM59 to Blk 5 Bedok, a@b pls"
    spans = redact_budget._conservative_redactions(text)
    assert apply_redactions(text, spans) == (
        "[NAME] here, [EMAIL]. order [REDACTED] of [REDACTED] to [REDACTED] pls"
    )
    assert {r.label for r in spans} == {"REDACTED"}


# --- random text ----------------------------------------------------------------------------------

# Pieces the patterns care about, so that random text hits their edges far more often than
# random characters would.
PIECES = [
    *"aA1_ .-@+#/,()[]:;!\n\t0éễ",
    "dot",
    " dot ",
    "at",
    " at ",
    "RT",
    "RW",
    "Blk",
    "Jalan",
    "No.",
    "name is",
    "I am",
    "Mr",
    "from",
    "Singapore",
    "$",
    "111,",
    "Moo",
    "Street",
    "here",
    "- ",
    "gmail",
    ".com",
]
PLANTED = [
    ("mail: {}", "siti.aminah88@gmail.com"),
    ("mail: {}", "j_doe-1@mail.example.co.id"),
    ("mail: {}", "sarah dot lim at gmail dot com"),
    ("call me {} ok", "+65 9123 4567"),
    ("call me {} ok", "012-345 6789"),
    ("call me {} ok", "0812-3456-7890"),
]


def _noise(rng: random.Random, size: int) -> str:
    if rng.random() < 0.3:
        return "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(size))
    out: list[str] = []
    while sum(map(len, out)) < size:
        out.append(rng.choice(PIECES) * (rng.randrange(1, 40) if rng.random() < 0.1 else 1))
    return "".join(out)


def _random_messages(seed: int, n: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    messages = []
    for _ in range(n):
        template, pii = rng.choice(PLANTED)
        text = (
            _noise(rng, rng.randrange(0, 3000))
            + "\n\n"
            + template.format(pii)
            + "\n\n"
            + _noise(rng, rng.randrange(0, 3000))
        )
        messages.append((text, pii))
    return messages


def _redact_patterns(messages: list[tuple[str, str]]) -> list[tuple[float, str]]:
    out = []
    for text, _ in messages:
        started = time.perf_counter()
        redacted = apply_redactions(text, redact_scan._pattern_redactions(text))
        out.append((time.perf_counter() - started, redacted))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_random_text_is_redacted_in_time_and_planted_pii_goes(seed: int) -> None:
    messages = _random_messages(seed, 50)
    _, results = _in_child(_redact_patterns, messages)
    for (text, pii), (seconds, out) in zip(messages, results, strict=True):
        assert seconds < LIMIT_S, f"{seconds:.2f} s on {text[:200]!r}"
        assert pii not in out, text
