"""The MiniLM variants the evaluations can run with: ``--embedder torch|onnx-fp32|onnx-int8``.

The ONNX files are the product's one export (``make nlu-encoder``: ``model.onnx`` fp32, which the
product serves, and ``model_qint8.onnx``, dynamic int8, which the NLU's featurizer reads).
"""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import DEFAULT_ONNX_FILE, SentenceTransformerEmbedder, make_embedder

VARIANTS = ("torch", "onnx-fp32", "onnx-int8")
DEFAULT_VARIANT = "onnx-fp32"
DEFAULT_ONNX_DIR = DEFAULT_ONNX_FILE.parent
_FILES = {"onnx-fp32": "model.onnx", "onnx-int8": "model_qint8.onnx"}


def make_variant(
    variant: str = DEFAULT_VARIANT, onnx_dir: Path = DEFAULT_ONNX_DIR
) -> SentenceTransformerEmbedder:
    """The packaged MiniLM with the given backend (not loaded yet)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown embedder {variant!r}; choose one of {', '.join(VARIANTS)}")
    if variant == "torch":
        return make_embedder("torch")
    return make_embedder("onnx", onnx_file=Path(onnx_dir) / _FILES[variant])
