"""The long-lived objects of one app instance, built once in the lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from bot.clauses import KNOWLEDGE_BASE_DIR
from bot.dialogue.context import Answerer
from bot.settings import REPO_ROOT, Settings
from bot.store.db import Database, utcnow
from nlu.client import Parser, RasaHttpParser, RasaPool
from nlu.routing import LanguageRoutedParser
from policies.router import RiskScorer, RouterConfig

log = structlog.get_logger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]

RETRIEVAL_INDEX_DIR = REPO_ROOT / "artifacts" / "retrieval"
MULTILINGUAL_INDEX_DIR = REPO_ROOT / "artifacts" / "retrieval-multilingual"
RISK_MODEL_DIR = REPO_ROOT / "artifacts" / "risk"
ASSIST_INDEX_DIR = REPO_ROOT / "artifacts" / "assist"
# The serving process embeds one short question per turn while other turns use the cores: one
# onnxruntime thread each, rather than every turn's embedding fighting for both cores.
SERVING_THREADS = 1


@dataclass
class Services:
    parser: Parser
    # name -> check; /ready names every check that fails.
    readiness: dict[str, ReadinessCheck] = field(default_factory=dict)
    # None only in unit tests that touch no store; the store's routes then answer 503.
    database: Database | None = None
    # Policy answers (retrieval.answer.PolicyAnswerer); None when the index failed to load:
    # policy questions are then offered a person.
    answerer: Answerer | None = None
    # The abuse-risk model; None when it failed to load: scored claims go to a person.
    risk_model: RiskScorer | None = None
    # The router configuration the risk model was audited with (review cost, per-region
    # fairness thresholds); None: the router's defaults.
    router_config: RouterConfig | None = None
    # Past agent resolutions for suggested replies (bot.agent.suggestions.precedents's
    # ResolutionIndex); None when the artifact is missing: the console suggests
    # policy-grounded replies only.
    assist_index: Any = None
    # The time the dialogue decides at (tests pin it).
    clock: Callable[[], datetime] = utcnow

    async def aclose(self) -> None:
        await self.parser.aclose()
        if self.database is not None:
            self.database.dispose()


def _always(value: bool) -> ReadinessCheck:
    async def check() -> bool:
        return value

    return check


def load_answerer(
    kb_dir: Path = KNOWLEDGE_BASE_DIR, index_dir: Path = RETRIEVAL_INDEX_DIR
) -> Answerer:
    """The policy answerer over the saved index (MiniLM loaded once, offline)."""
    from retrieval.embedder import make_embedder
    from retrieval.errors import IndexMissingError
    from retrieval.factory import make_answerer
    from retrieval.index import read_metadata
    from retrieval.kb import load_knowledge_base

    # Checked before the model loads: a missing index should cost nothing at startup.
    if read_metadata(index_dir) is None:
        raise IndexMissingError(f"no saved index at {index_dir}; build it with `make index`")
    clauses = load_knowledge_base(kb_dir)
    embedder = make_embedder(threads=SERVING_THREADS).load()
    return make_answerer(clauses, embedder, index_dir=index_dir)


def load_multilingual_answerer(
    english: Answerer, kb_dir: Path = KNOWLEDGE_BASE_DIR, index_dir: Path = MULTILINGUAL_INDEX_DIR
) -> Answerer:
    """English through ``english``; ms, id, th, vi, tl through the multilingual index (e5)."""
    from retrieval.base_rules import BaseRules
    from retrieval.build_multilingual import multilingual_examples
    from retrieval.defaults import DEFAULT_ITEM_CATEGORIES, MULTILINGUAL_EXAMPLE_QUESTIONS
    from retrieval.expansion import ItemCategories
    from retrieval.languages import load_translations
    from retrieval.multilingual import MultilingualIndex, load_e5
    from retrieval.multilingual_answer import MultilingualAnswerer
    from retrieval.multilingual_items import MultilingualItems

    examples = multilingual_examples(kb_dir, MULTILINGUAL_EXAMPLE_QUESTIONS)
    items = MultilingualItems.load(ItemCategories.load(DEFAULT_ITEM_CATEGORIES))
    index = MultilingualIndex.load(
        index_dir, load_e5(SERVING_THREADS), load_translations(kb_dir), examples, items
    )
    return MultilingualAnswerer(english, index, base_rules=BaseRules.load())


def load_assist_index(directory: Path = ASSIST_INDEX_DIR, embedder: Any = None) -> Any:
    """The past-resolutions index with its own MiniLM (int8, `ASSIST_ONNX_FILE`), offline."""
    from bot.agent.suggestions.precedents import (
        ASSIST_ONNX_FILE,
        BUILD,
        AssistIndexMissing,
        ResolutionIndex,
        read_metadata,
    )
    from retrieval.embedder import make_embedder

    # Checked before the model loads: a missing index should cost nothing at startup.
    if read_metadata(directory) is None:
        raise AssistIndexMissing(f"no resolution index at {directory}; build it with {BUILD}")
    if embedder is None:
        embedder = make_embedder(onnx_file=ASSIST_ONNX_FILE, threads=SERVING_THREADS).load()
    return ResolutionIndex(embedder).load(directory)


class SingleThreadScorer:
    """A risk model that scores on the calling thread only.

    scikit-learn's boosted trees predict with OpenMP threads, one per core by default. A turn
    scores one case (a few rows for the console's explanations): fanning out to both cores for
    that costs more in hand-over than it saves, and contends with the other turns. OpenMP's
    thread count is per calling thread, so the limit is set around each call.
    """

    def __init__(self, model: RiskScorer) -> None:
        from threadpoolctl import ThreadpoolController

        self.model = model
        # Found once: a controller scans the loaded libraries when it is made.
        self._controller = ThreadpoolController()

    @property
    def version(self) -> str:
        return self.model.version

    def predict_proba(self, X: Any) -> Any:
        with self._controller.limit(limits=1, user_api="openmp"):
            return self.model.predict_proba(X)

    def predict_proba_rows(self, rows: Any) -> Any:
        """The model's `predict_proba_rows` (the router's path without a DataFrame)."""
        with self._controller.limit(limits=1, user_api="openmp"):
            rows_of = getattr(self.model, "predict_proba_rows", None)
            if rows_of is None:
                from policies.features import feature_frame

                return self.model.predict_proba(feature_frame(rows))
            return rows_of(rows)


def load_risk_model(directory: Path = RISK_MODEL_DIR) -> RiskScorer:
    from policies.risk import RiskModel

    return SingleThreadScorer(RiskModel.load(directory))


def load_router_config(directory: Path = RISK_MODEL_DIR) -> RouterConfig:
    """The router configuration saved with the risk model (its fairness mitigation)."""
    from policies.risk_artifact import load_router_config as load

    return load(directory)


def build_services(settings: Settings) -> Services:
    """The real services. A model whose artifact is missing or refused does not stop the bot:
    /ready names it ("retrieval", "risk_model") and the cases that need it go to a person."""
    servers = [
        RasaHttpParser(
            url,
            timeout_s=settings.rasa_timeout_s,
            thresholds=settings.nlu_thresholds(),
            token=settings.rasa_token,
        )
        for url in settings.rasa_servers()
    ]
    english: Parser = servers[0] if len(servers) == 1 else RasaPool(servers)
    if settings.nlu_spelling:
        # Issue 14: misspelt words corrected before the English model (never the multilingual
        # one: nlu.routing gives it the text as typed). Built once here, ~1-2 s.
        from nlu.spelling import SpellingParser, shared

        english = SpellingParser(english, shared())
    parser: Parser = english
    readiness_of_rasa = {"rasa": english.is_ready}
    if settings.rasa_multilingual_url:
        # Issue 16: a second Rasa model for ms, id, th, vi and tl, chosen per message by its
        # language (nlu.routing); /ready waits for both.
        multilingual = RasaHttpParser(
            settings.rasa_multilingual_url,
            timeout_s=settings.rasa_timeout_s,
            thresholds=settings.nlu_multilingual_thresholds(),
            token=settings.rasa_token,
        )
        parser = LanguageRoutedParser(english, multilingual)
        readiness_of_rasa["rasa_multilingual"] = multilingual.is_ready
    database = Database(settings.database_url)
    answerer = risk_model = None
    try:
        answerer = load_answerer(KNOWLEDGE_BASE_DIR, RETRIEVAL_INDEX_DIR)
    except Exception as e:  # any failure here means "no policy answers", never "no bot"
        log.error("retrieval_unavailable", error=str(e))
    if answerer is not None:
        try:
            answerer = load_multilingual_answerer(
                answerer, KNOWLEDGE_BASE_DIR, MULTILINGUAL_INDEX_DIR
            )
        except Exception as e:  # English answers still work; other languages get a person
            log.error("multilingual_retrieval_unavailable", error=str(e))
    assist_index = None
    try:
        assist_index = load_assist_index(ASSIST_INDEX_DIR)
    except Exception as e:  # the console still suggests policy-grounded replies
        log.error("assist_index_unavailable", error=str(e))
    try:
        risk_model = load_risk_model(RISK_MODEL_DIR)
        router_config = load_router_config(RISK_MODEL_DIR)
    except Exception as e:  # same: scored claims go to a person
        log.error("risk_model_unavailable", error=str(e))
        risk_model = router_config = None
    return Services(
        parser=parser,
        readiness={
            **readiness_of_rasa,
            "database": database.is_ready,
            "retrieval": _always(answerer is not None),
            "risk_model": _always(risk_model is not None),
            "assist_index": _always(assist_index is not None),
        },
        database=database,
        answerer=answerer,
        risk_model=risk_model,
        router_config=router_config,
        assist_index=assist_index,
    )
