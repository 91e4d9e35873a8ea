"""Export MiniLM to ONNX (fp32 and dynamic int8) from the local model files, offline.

The graph includes mean pooling and L2 normalisation, so onnxruntime returns the same
sentence embedding as sentence-transformers. Export refuses models whose module pipeline is
not Transformer -> mean Pooling -> Normalize, because that graph would then be wrong, and it
checks the fp32 export against the torch model before returning.

Why not sentence-transformers' ``backend="onnx"`` + ``export_dynamic_quantized_onnx_model``:
both go through optimum-onnx, whose releases (<= 0.1.0) require transformers < 4.58, while
this environment has transformers 5.x. ``torch.onnx.export`` + onnxruntime's
``quantize_dynamic`` do the same two steps without that pin.

Usage: ``python -m lab.retrieval.onnx_export --out artifacts/retrieval-onnx``. This module imports
torch at import time; the CLI and the benchmark are its only users, and both set
``HF_HUB_OFFLINE=1`` before importing it.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from retrieval.errors import RetrievalError

FP32_FILE = "model.onnx"
# Per-channel int8 weights, dynamic (run-time) activation ranges: onnxruntime's equivalent of
# optimum's AutoQuantizationConfig.avx512_vnni(is_static=False) used by sentence-transformers.
INT8_FILE = "model_qint8.onnx"
_CHECK_TEXTS = (
    "how long do i have to send back my shoes",
    "Refunds go back to the original payment method within five business days.",
)


@dataclass(frozen=True)
class OnnxExport:
    """Paths of an export and how close each variant is to the torch model (mean cosine)."""

    fp32: Path
    int8: Path
    fp32_cosine: float
    int8_cosine: float


def export_onnx(model_path: Path, out_dir: Path, *, force: bool = False) -> OnnxExport:
    """Write ``model.onnx`` and ``model_qint8.onnx`` into ``out_dir`` (skipped when present)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fp32, int8 = out_dir / FP32_FILE, out_dir / INT8_FILE
    info_path = out_dir / "export.json"
    source = str(model_path.resolve())
    if not force and fp32.is_file() and int8.is_file() and info_path.is_file():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("source") == source:
            return OnnxExport(fp32, int8, info["fp32_cosine"], info["int8_cosine"])

    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    _check_pipeline(model)
    wrapper = _PooledEncoder(model[0].auto_model).eval()
    sample = model.tokenizer(list(_CHECK_TEXTS), padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            tuple(sample[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["sentence_embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "sequence"} for n in names},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            # The TorchScript exporter handles BERT's dynamic sequence axis without the
            # onnxscript dependency the dynamo exporter needs.
            dynamo=False,
        )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)

    reference = model.encode(list(_CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    fp32_cos = _mean_cosine(model_path, fp32, reference)
    int8_cos = _mean_cosine(model_path, int8, reference)
    if fp32_cos < 0.9999:
        raise RetrievalError(
            f"ONNX export of {model_path} disagrees with the torch model "
            f"(mean cosine {fp32_cos:.5f})"
        )
    info_path.write_text(
        json.dumps({"source": source, "fp32_cosine": fp32_cos, "int8_cosine": int8_cos}, indent=2),
        encoding="utf-8",
    )
    return OnnxExport(fp32, int8, fp32_cos, int8_cos)


def _check_pipeline(model) -> None:
    kinds = [type(module).__name__ for module in model]
    pooling = getattr(model[1], "pooling_mode", None) if len(kinds) > 1 else None
    if pooling is None and len(kinds) > 1:
        config = getattr(model[1], "get_config_dict", lambda: {})()
        pooling = config.get("pooling_mode") or (
            "mean" if config.get("pooling_mode_mean_tokens") else None
        )
    if kinds != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
        raise RetrievalError(
            f"cannot export modules {kinds} (pooling {pooling!r}) to ONNX; only "
            "Transformer -> mean Pooling -> Normalize is supported"
        )


def _mean_cosine(model_path: Path, onnx_file: Path, reference: np.ndarray) -> float:
    from retrieval.embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(model_path, backend="onnx", onnx_file=onnx_file).load()
    return float((embedder.encode(list(_CHECK_TEXTS)) * reference).sum(axis=1).mean())


class _PooledEncoder(torch.nn.Module):
    """BERT + attention-masked mean pooling + L2 normalisation, as one traceable module."""

    def __init__(self, transformer: torch.nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("artifacts/retrieval-onnx"))
    parser.add_argument("--model-path", type=Path, default=None)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embedder import default_model_path

    export = export_onnx(args.model_path or default_model_path(), args.out, force=args.force)
    print(
        f"fp32: {export.fp32} (cosine to torch {export.fp32_cosine:.6f})\n"
        f"int8: {export.int8} (cosine to torch {export.int8_cosine:.4f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
