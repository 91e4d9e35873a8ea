"""Exercise MiniLMFeaturizer inside Rasa's environment; print one JSON line of findings.

Run by tests/nlu/components/test_minilm_featurizer.py as
``.venv-rasa/bin/python tests/nlu/components/rasa_featurizer_check.py INT8_FILE FP32_FILE WORK_DIR``
from the project root (the main environment has no Rasa). The script measures; the tests judge.
Most checks use the int8 encoder (the configured default); the fp32 one is only loaded to
check what differs between the two (batch invariance, training fingerprint).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(PROJECT_ROOT))

TRAIN_NLU = """version: "3.1"
nlu:
- intent: cancel_order
  examples: |
    - cancel my order
    - i want to cancel the order
    - please cancel it, ordered by mistake
    - stop my order before it ships
    - dont send the hoodie anymore
    - can u cancel my last order
    - i changed my mind, cancel pls
- intent: where_is_my_order
  examples: |
    - where is my parcel
    - my package has not arrived
    - tracking says delivered but nothing came
    - when will my order arrive
    - parcel still not here after two weeks
    - still waiting for my delivery
    - the courier never came
- intent: greet
  examples: |
    - hi
    - hello there
    - good morning
    - hey 😀
    - hallo
    - hi hi
"""

PIPELINE = """recipe: default.v1
language: en
assistant_id: minilm-check
pipeline:
  - name: WhitespaceTokenizer
  - name: nlu.components.minilm_featurizer.MiniLMFeaturizer
    model_path: {model_path}
    alias: minilm
  - name: DIETClassifier
    epochs: 1
    random_seed: 1
    constrain_similarities: true
    # The smallest DIET: what is tested is the featurizer inside a pipeline; building and
    # loading TensorFlow graphs for two transformer layers and a CRF would triple the time.
    entity_recognition: false
    number_of_transformer_layers: 0
    hidden_layers_sizes: {{text: []}}
"""


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel(), b.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> None:
    onnx_file, fp32_file, work = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    started = time.monotonic()
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.components.minilm_featurizer import MiniLMFeaturizer

    out: dict = {"import_s": round(time.monotonic() - started, 2)}
    storage = LocalModelStorage(work / "storage")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def make(**config):
        return MiniLMFeaturizer.create(
            {**MiniLMFeaturizer.get_default_config(), "model_path": str(onnx_file), **config},
            storage,
            Resource("minilm"),
            ExecutionContext(graph_schema=None, node_name="minilm_node"),  # type: ignore[arg-type]
        )

    featurizer = make()

    def featurize(text: str, component=featurizer) -> Message:
        message = Message({TEXT: text})
        tokenizer.process([message])
        component.process([message])
        return message

    def features(message: Message):
        seq, sent = message.get_dense_features(TEXT)
        return (
            None if seq is None else seq.features,
            None if sent is None else sent.features,
            [f.origin for f in message.features],
        )

    # 1. Shapes and names.
    message = featurize("my airfryer is brokennn, order #3390")
    seq, sent, origins = features(message)
    out["shapes"] = {
        "tokens": len(message.get("text_tokens")),
        "sequence": list(seq.shape),
        "sentence": list(sent.shape),
        "dtype": str(seq.dtype),
        "origins": origins,
        "sentence_norm": float(np.linalg.norm(sent)),
    }
    aliased = features(featurize("hello there", make(alias="minilm_alias")))[2]
    out["alias_origins"] = aliased

    # 2. Paraphrases vs unrelated sentences (sentence features).
    def sentence_of(text: str) -> np.ndarray:
        return features(featurize(text))[1]

    anchor = sentence_of("I want to cancel my order")
    out["cosine_paraphrase"] = cosine(anchor, sentence_of("please cancel the order I placed"))
    out["cosine_unrelated"] = cosine(anchor, sentence_of("the weather is lovely at the beach"))
    out["cosine_paraphrase_tokens_mean"] = cosine(
        features(featurize("where is my parcel"))[0].mean(axis=0),
        features(featurize("where's my package"))[0].mean(axis=0),
    )

    # 3. Alignment: a word split into several wordpieces, and emoji / unknown characters.
    encoder = featurizer.encoder

    def alignment(text: str, word_index: int) -> dict:
        message = featurize(text)
        token = message.get("text_tokens")[word_index]
        enc = encoder.encode([text])[0]
        inside = [
            i for i, (s, e) in enumerate(enc.piece_offsets) if s < token.end and e > token.start
        ]
        expected = enc.piece_vectors[inside].mean(axis=0)
        row = features(message)[0][word_index]
        return {
            "token": token.text,
            "pieces": [enc.pieces[i] for i in inside],
            "max_abs_diff_to_piece_mean": float(np.abs(row - expected).max()),
            "row_norm": float(np.linalg.norm(row)),
            "cosine_to_first_piece": cosine(row, enc.piece_vectors[inside[0]]),
        }

    out["alignment_multi_piece"] = alignment("my airfryer is brokennn", 1)
    out["alignment_typo"] = alignment("my airfryer is brokennn", 3)
    # WhitespaceTokenizer drops a free-standing emoji but keeps "broken" of "broken😡", which
    # MiniLM's wordpiece sees as one unknown word: the token gets the [UNK] piece.
    out["alignment_emoji_glued"] = alignment("parcel broken😡 again", 1)
    out["alignment_emoji_only"] = alignment("😀😀", 0)
    out["alignment_accents"] = alignment("naïve café déjà-vu", 2)

    # 4. Empty and very long messages.
    empty = featurize("")
    seq, sent, _ = features(empty)
    out["empty"] = {"sequence": seq is None, "sentence": sent is None}
    long_text = " ".join(["my order 12345 never arrived and the seller ignores me"] * 60)
    message = featurize(long_text)
    seq, sent, _ = features(message)
    zero_rows = [i for i, row in enumerate(seq) if not row.any()]
    out["long"] = {
        "tokens": len(message.get("text_tokens")),
        "sequence": list(seq.shape),
        "sentence": list(sent.shape),
        "zero_rows": len(zero_rows),
        "first_zero_row": zero_rows[0] if zero_rows else None,
        "finite": bool(np.isfinite(seq).all() and np.isfinite(sent).all()),
    }

    # 5. Training data goes in batches; each message gets the same features as alone.
    # (batch_size=2 is asked for; the int8 encoder falls back to 1, see section 6.)
    texts = ["where is my parcel", "hi", long_text[:300], "cancel pls 😀", "refund my money now"]
    batch = [Message({TEXT: t, "intent": "x"}) for t in texts]
    tokenizer.process(batch)
    batched_featurizer = make(batch_size=2)
    batched_featurizer.process_training_data(TrainingData(training_examples=batch))
    diffs = []
    for text, m in zip(texts, batch, strict=True):
        alone = features(featurize(text, batched_featurizer))
        diffs.append(float(np.abs(features(m)[0] - alone[0]).max()))
        diffs.append(float(np.abs(features(m)[1] - alone[1]).max()))
    out["batch_vs_single_max_abs_diff"] = max(diffs)

    # 6. int8 features depend on the batch, fp32 ones do not: the training batch size follows.
    out["training_batch_size"] = {
        "int8": make(batch_size=64).batch_size,
        "fp32": make(model_path=str(fp32_file), batch_size=64).batch_size,
    }
    out["fingerprints_differ"] = MiniLMFeaturizer.fingerprint_addon(
        {"model_path": str(onnx_file)}
    ) != MiniLMFeaturizer.fingerprint_addon({"model_path": str(fp32_file)})

    out["featurizer_checks_s"] = round(time.monotonic() - started, 2)

    # 7. A tiny pipeline trains, persists, loads and parses.
    (work / "nlu.yml").write_text(TRAIN_NLU, encoding="utf-8")
    (work / "config.yml").write_text(PIPELINE.format(model_path=onnx_file), encoding="utf-8")
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    t0 = time.monotonic()
    model = train_nlu(
        str(work / "config.yml"),
        str(work / "nlu.yml"),
        str(work / "models"),
        fixed_model_name="minilm-check",
    )
    out["train_s"] = round(time.monotonic() - t0, 2)
    out["model_file"] = model
    t0 = time.monotonic()
    agent = Agent.load(model)
    out["load_s"] = round(time.monotonic() - t0, 2)
    parses = {}
    for text in ("where is my parcel??", "cancel it please", "", long_text):
        result = asyncio.run(agent.parse_message(text))
        intent = result.get("intent") or {}
        parses[text[:40]] = {
            "intent": intent.get("name"),
            "confidence": intent.get("confidence"),
            "ranking": len(result.get("intent_ranking") or []),
        }
    out["parses"] = parses
    out["total_s"] = round(time.monotonic() - started, 2)
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
