"""The MiniLM variants the evaluations can run with:
``--embedder torch|onnx-fp32|onnx-int8|retrieval``.

``onnx-fp32`` and ``onnx-int8`` are the packaged MiniLM's export (``make nlu-encoder``: fp32 and
dynamic int8, which the NLU's featurizer reads); ``retrieval`` is the fine-tuned copy policy
retrieval serves (``retrieval.finetune``, ``make index``). It was trained on every example
question, the dev questions included: the dev cross-validations (``lab.retrieval.rerank``,
``lab.retrieval.examples``) keep the packaged model (``DEFAULT_VARIANT``), and
``lab.retrieval.finetune_cv`` measures fine-tuning fold by fold.
"""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import (
    DEFAULT_ONNX_FILE,
    SentenceTransformerEmbedder,
    make_embedder,
    make_retrieval_embedder,
)

VARIANTS = ("torch", "onnx-fp32", "onnx-int8", "retrieval")
DEFAULT_VARIANT = "onnx-fp32"
DEFAULT_ONNX_DIR = DEFAULT_ONNX_FILE.parent
_FILES = {"onnx-fp32": "model.onnx", "onnx-int8": "model_qint8.onnx"}


def make_variant(
    variant: str = DEFAULT_VARIANT, onnx_dir: Path = DEFAULT_ONNX_DIR
) -> SentenceTransformerEmbedder:
    """The packaged MiniLM with the given backend, or the retrieval encoder (not loaded yet)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown embedder {variant!r}; choose one of {', '.join(VARIANTS)}")
    if variant == "torch":
        return make_embedder("torch")
    if variant == "retrieval":
        return make_retrieval_embedder()
    return make_embedder("onnx", onnx_file=Path(onnx_dir) / _FILES[variant])
