"""MiniLMFeaturizer inside Rasa: features, alignment, edge cases, and a pipeline that trains.

The main environment has no Rasa, so one script (``rasa_featurizer_check.py``) runs in
``.venv-rasa`` and reports what it measured as JSON; the tests below judge it. The encoder comes
from ``python -m nlu.export_encoder`` (``make nlu-encoder``): the session fixture makes it when
it is missing (~20 s, torch in this environment) and is a no-op otherwise.

Without ``.venv-rasa`` (or with one that predates onnxruntime/tokenizers in
``nlu/requirements-rasa.txt``) the tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from nlu.export_encoder import DEFAULT_OUT, EncoderExport, export_encoder
from nlu.model import DEFAULT_RASA_BIN, REPO_ROOT, rasa_env

pytestmark = pytest.mark.integration

RASA_PYTHON = DEFAULT_RASA_BIN.parent / "python"
CHECK_SCRIPT = Path(__file__).with_name("rasa_featurizer_check.py")
DIM = 384


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def encoder_export() -> EncoderExport:
    return export_encoder(out_dir=DEFAULT_OUT)


@pytest.fixture(scope="module")
def rasa_check(encoder_export: EncoderExport, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not RASA_PYTHON.exists():
        _skip_or_fail(f"{RASA_PYTHON} is missing: run `make setup` to create Rasa's environment")
    probe = subprocess.run(
        [str(RASA_PYTHON), "-c", "import onnxruntime, tokenizers, httpx"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        _skip_or_fail(
            ".venv-rasa lacks onnxruntime/tokenizers/httpx (older than "
            f"nlu/requirements-rasa.txt; `make setup` rebuilds it): {probe.stderr.strip()[-200:]}"
        )
    work = tmp_path_factory.mktemp("minilm-rasa")
    env = rasa_env()
    env["RASA_CACHE_DIRECTORY"] = str(work / "cache")  # not the project's .rasa/cache
    result = subprocess.run(
        [
            str(RASA_PYTHON),
            str(CHECK_SCRIPT),
            str(encoder_export.int8),
            str(encoder_export.fp32),
            str(work),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        pytest.fail(
            f"the check script failed (exit {result.returncode}):\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return json.loads(lines[-1].removeprefix("RESULT "))


def test_the_export_gives_token_and_sentence_embeddings_close_to_torch(
    encoder_export: EncoderExport,
) -> None:
    info = encoder_export.info
    assert set(info["outputs"]) == {"token_embeddings", "sentence_embedding"}
    assert info["dimension"] == DIM
    assert info["checks"]["fp32"]["token_cosine_to_torch_min"] >= 0.9999
    assert info["checks"]["int8"]["sentence_cosine_to_torch"] >= 0.98
    assert encoder_export.tokenizer.is_file()
    # A second call finds it up to date.
    assert export_encoder(out_dir=encoder_export.out_dir).skipped


def test_one_sequence_row_per_token_and_one_sentence_row(rasa_check: dict) -> None:
    shapes = rasa_check["shapes"]
    assert shapes["tokens"] == 6  # my airfryer is brokennn order #3390
    assert shapes["sequence"] == [6, DIM]
    assert shapes["sentence"] == [1, DIM]
    assert shapes["dtype"] == "float32"
    assert shapes["sentence_norm"] == pytest.approx(1.0, abs=1e-4)


def test_features_are_named_by_the_alias_else_the_node(rasa_check: dict) -> None:
    assert rasa_check["shapes"]["origins"] == ["minilm_node", "minilm_node"]
    assert rasa_check["alias_origins"] == ["minilm_alias", "minilm_alias"]


def test_paraphrases_are_closer_than_unrelated_sentences(rasa_check: dict) -> None:
    assert rasa_check["cosine_paraphrase"] > rasa_check["cosine_unrelated"] + 0.4
    assert rasa_check["cosine_paraphrase"] > 0.7
    assert rasa_check["cosine_paraphrase_tokens_mean"] > 0.5


@pytest.mark.parametrize(
    ("case", "token", "pieces"),
    [
        ("alignment_multi_piece", "airfryer", ["air", "##fr", "##yer"]),
        ("alignment_typo", "brokennn", ["broken", "##nn"]),
        ("alignment_accents", "déjà-vu", ["de", "##ja", "-", "vu"]),
    ],
)
def test_a_word_split_into_pieces_gets_the_mean_of_its_pieces(
    rasa_check: dict, case: str, token: str, pieces: list[str]
) -> None:
    found = rasa_check[case]
    assert (found["token"], found["pieces"]) == (token, pieces)
    assert found["max_abs_diff_to_piece_mean"] < 1e-5
    assert found["cosine_to_first_piece"] < 0.99  # really a mean, not the first piece


@pytest.mark.parametrize(
    ("case", "token"), [("alignment_emoji_only", "😀😀"), ("alignment_emoji_glued", "broken")]
)
def test_emoji_and_unknown_characters_align_to_the_unknown_piece(
    rasa_check: dict, case: str, token: str
) -> None:
    found = rasa_check[case]
    assert (found["token"], found["pieces"]) == (token, ["[UNK]"])
    assert found["row_norm"] > 1.0
    assert found["max_abs_diff_to_piece_mean"] < 1e-5


def test_an_empty_message_gets_no_features_and_parses(rasa_check: dict) -> None:
    assert rasa_check["empty"] == {"sequence": True, "sentence": True}
    assert rasa_check["parses"][""]["intent"] is None


def test_a_very_long_message_is_truncated_not_refused(rasa_check: dict) -> None:
    long = rasa_check["long"]
    assert long["sequence"] == [long["tokens"], DIM] and long["tokens"] == 600
    assert long["sentence"] == [1, DIM] and long["finite"]
    # 128 wordpieces, [CLS] and [SEP] included: the first ~114 words, then zero rows.
    assert 100 < long["first_zero_row"] < 127
    assert long["zero_rows"] == long["tokens"] - long["first_zero_row"]
    parse = next(v for k, v in rasa_check["parses"].items() if k.startswith("my order 12345"))
    assert parse["intent"] is not None


def test_training_batches_give_the_features_parsing_gives(rasa_check: dict) -> None:
    assert rasa_check["batch_vs_single_max_abs_diff"] < 1e-4
    # int8 activations are quantised per batch, so int8 featurizes one message per call.
    assert rasa_check["training_batch_size"] == {"int8": 1, "fp32": 64}


def test_the_encoder_file_is_part_of_the_training_fingerprint(rasa_check: dict) -> None:
    assert rasa_check["fingerprints_differ"]


def test_a_tiny_pipeline_trains_persists_loads_and_parses(rasa_check: dict) -> None:
    assert Path(rasa_check["model_file"]).name == "minilm-check.tar.gz"
    parses = rasa_check["parses"]
    for text in ("where is my parcel??", "cancel it please"):
        assert parses[text]["intent"] in {"cancel_order", "where_is_my_order", "greet"}
        assert parses[text]["ranking"] == 3
