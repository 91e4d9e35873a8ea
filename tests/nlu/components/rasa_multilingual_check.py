"""Exercise E5Featurizer and ThaiWordTokenizer inside Rasa's environment; print one JSON line.

Run by tests/nlu/components/test_multilingual_components.py as
``.venv-rasa/bin/python tests/nlu/components/rasa_multilingual_check.py WORK_DIR`` from the
project root (the main environment has no Rasa). The script measures; the tests judge.
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
    - please cancel it, ordered by mistake
    - batalkan pesanan saya
    - tolong batalkan order saya
    - ยกเลิกคำสั่งซื้อให้หน่อยค่ะ
    - hủy đơn hàng giúp tôi
    - pakikansela ang order ko
- intent: track_order
  examples: |
    - where is my parcel
    - my package has not arrived
    - di mana pesanan saya
    - bungkusan saya belum sampai
    - พัสดุของฉันอยู่ที่ไหน
    - đơn hàng của tôi đang ở đâu
    - nasaan na ang parcel ko
"""

LABELS = """version: 1
messages:
- {text: "the screen came cracked", reason: damaged}
- {text: "barang sampai dalam keadaan pecah", reason: damaged}
- {text: "สินค้าแตกเสียหาย", reason: damaged}
- {text: "sira ang dumating na item", reason: damaged}
- {text: "hàng bị vỡ khi nhận", reason: damaged}
- {text: "my parcel never arrived", reason: not_received}
- {text: "bungkusan saya tak sampai lagi", reason: not_received}
- {text: "ยังไม่ได้รับพัสดุเลย", reason: not_received}
- {text: "hindi ko pa natatanggap ang parcel", reason: not_received}
- {text: "tôi chưa nhận được hàng", reason: not_received}
"""

PIPELINE = """recipe: default.v1
language: en
assistant_id: multilingual-check
pipeline:
  - name: nlu.components.thai_tokenizer.ThaiWordTokenizer
  - name: CountVectorsFeaturizer
  - name: nlu.components.e5_featurizer.E5Featurizer
    alias: e5
  - name: DIETClassifier
    epochs: 1
    random_seed: 1
    constrain_similarities: true
    entity_recognition: false
    number_of_transformer_layers: 0
    hidden_layers_sizes: {text: []}
"""


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel(), b.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> None:
    work = Path(sys.argv[1])
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.components.e5 import cut_to_tokens
    from nlu.components.e5_featurizer import E5Featurizer
    from nlu.components.thai_tokenizer import ThaiWordTokenizer

    out: dict = {}
    (work / "storage").mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(work / "storage")
    context = ExecutionContext(graph_schema=None, node_name="e5_node")  # type: ignore[arg-type]
    tokenizer = ThaiWordTokenizer.create(
        ThaiWordTokenizer.get_default_config(), storage, Resource("tok"), context
    )

    def tokens(text: str) -> list[list]:
        message = Message({TEXT: text})
        tokenizer.process([message])
        return [[t.text, t.start, t.end] for t in message.get("text_tokens")]

    out["tokens"] = {
        text: tokens(text)
        for text in (
            "สินค้าเสียหายต้องการคืนเงิน",
            "คำสั่งซื้อ#88231ยังไม่มาค่ะ",
            "ขอคืนเงิน 1,250.50 บาท ORD-2024-88231",
            "where is my parcel, order #88231?",
            "đơn hàng của tôi chưa đến",
        )
    }

    featurizer = E5Featurizer.create(
        E5Featurizer.get_default_config(), storage, Resource("e5"), context
    )

    def featurize(text: str) -> Message:
        message = Message({TEXT: text})
        tokenizer.process([message])
        featurizer.process([message])
        return message

    def sentence(text: str) -> np.ndarray:
        seq, sent = featurize(text).get_dense_features(TEXT)
        assert seq is None
        return sent.features

    message = featurize("my blender arrived broken")
    seq, sent = message.get_dense_features(TEXT)
    out["shapes"] = {
        "sequence_is_none": seq is None,
        "sentence": list(sent.features.shape),
        "dtype": str(sent.features.dtype),
        "norm": float(np.linalg.norm(sent.features)),
    }
    anchor = sentence("I want to cancel my order")
    out["cosines"] = {
        "en_ms": cosine(anchor, sentence("saya mahu batalkan pesanan saya")),
        "en_th": cosine(anchor, sentence("ฉันต้องการยกเลิกคำสั่งซื้อ")),
        "en_vi": cosine(anchor, sentence("tôi muốn hủy đơn hàng")),
        "en_unrelated": cosine(anchor, sentence("the weather is lovely at the beach")),
    }
    out["shared_engine"] = (
        E5Featurizer.create(
            E5Featurizer.get_default_config(), storage, Resource("e5b"), context
        ).model
        is featurizer.model
    )
    empty = featurize("")
    out["empty_has_features"] = bool(empty.features)

    long_text = "my order 12345 never arrived and the seller ignores me " * 200
    t0 = time.monotonic()
    long_vec = sentence(long_text)
    out["long"] = {
        "seconds": round(time.monotonic() - t0, 2),
        "finite": bool(np.isfinite(long_vec).all()),
        "tokens_before": featurizer.model.token_count(long_text, True),
        "tokens_after": featurizer.model.token_count(
            cut_to_tokens(featurizer.model, long_text, featurizer.max_tokens), True
        ),
        "max_tokens": featurizer.max_tokens,
    }

    texts = ["where is my parcel", "hi", "พัสดุของฉันอยู่ที่ไหน", "hủy đơn hàng", long_text]
    batch = [Message({TEXT: t, "intent": "x"}) for t in texts]
    tokenizer.process_training_data(TrainingData(training_examples=batch))
    featurizer.process_training_data(TrainingData(training_examples=batch))
    out["batch_vs_single_max_abs_diff"] = max(
        float(np.abs(m.get_dense_features(TEXT)[1].features - sentence(t)).max())
        for t, m in zip(texts, batch, strict=True)
    )
    out["fingerprint"] = E5Featurizer.fingerprint_addon(E5Featurizer.get_default_config())

    # MessageLabels with the e5 vector appended to MiniLM's (the ONNX encoder of
    # `make nlu-encoder` must exist, as for the shipped pipeline).
    from nlu.components.message_labels import MessageLabels

    (work / "labels.yml").write_text(LABELS, encoding="utf-8")
    aliased = E5Featurizer.create(
        {**E5Featurizer.get_default_config(), "alias": "e5"}, storage, Resource("e5c"), context
    )
    labels = MessageLabels.create(
        {"output": "claim_reason", "field": "reason", "data": [str(work / "labels.yml")],
         "e5_featurizer": "e5"},
        storage, Resource("labels"), context,
    )  # fmt: skip
    labels.train(TrainingData())
    probe = Message({TEXT: "ของมาแตกหักหมดเลยค่ะ"})
    tokenizer.process([probe])
    aliased.process([probe])
    labels.process([probe])
    out["labels"] = {
        "vector_size": int(labels._sentence_vector(probe).shape[0]),
        "coefficients": int(labels.model.classifier.coef_.shape[1]),
        "words_and_chars": len(labels.model.words.vocabulary_)
        + len(labels.model.chars.vocabulary_),
        "reason": probe.get("claim_reason"),
    }

    (work / "nlu.yml").write_text(TRAIN_NLU, encoding="utf-8")
    (work / "config.yml").write_text(PIPELINE, encoding="utf-8")
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    model = train_nlu(
        str(work / "config.yml"),
        str(work / "nlu.yml"),
        str(work / "models"),
        fixed_model_name="multilingual-check",
    )
    out["model_file"] = model
    agent = Agent.load(model)
    parses = {}
    for text in ("ยกเลิกคำสั่งซื้อ", "nasaan ang order ko", ""):
        result = asyncio.run(agent.parse_message(text))
        intent = result.get("intent") or {}
        parses[text] = {
            "intent": intent.get("name"),
            "ranking": len(result.get("intent_ranking") or []),
            "tokens": len(result.get("text_tokens") or []),
        }
    out["parses"] = parses
    print("RESULT " + json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
