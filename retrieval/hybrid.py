"""Hybrid retrieval: reciprocal rank fusion (RRF) of the dense and BM25 rankings."""

from __future__ import annotations

from retrieval.index import DenseRetriever
from retrieval.lexical import BM25Retriever
from retrieval.query import validate_query
from retrieval.types import Hit

# k=60 is the constant from Cormack et al. (2009), used as-is by most hybrid search engines;
# it damps the difference between rank 1 and rank 2 so neither retriever dominates.
RRF_K = 60
# How deep each ranking is read before fusing; deeper ranks add at most 1/(60+50) each.
FUSION_DEPTH = 50


class HybridRetriever:
    """Orders clauses by RRF over dense and BM25 ranks.

    The fused RRF value only says how two rank lists agree, not how well a clause answers the
    question, and it has the same range for a nonsense query as for a good one. So each hit's
    ``score`` is that clause's dense cosine to the query: the confidence threshold then reads
    "how close is the clause we would cite", on the same scale as for the dense retriever.
    """

    name = "hybrid"

    def __init__(
        self,
        dense: DenseRetriever,
        lexical: BM25Retriever,
        *,
        rrf_k: int = RRF_K,
        depth: int = FUSION_DEPTH,
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.rrf_k = rrf_k
        self.depth = depth

    def search(self, query: str, k: int) -> list[Hit]:
        query = validate_query(query, k, self.dense.max_query_chars)
        vector = self.dense.encode_query(query)
        depth = max(k, self.depth)
        dense_hits = self.dense.search_vector(vector, depth)
        lexical_hits = self.lexical.search(query, depth)

        fused: dict[str, float] = {}
        for ranking in (dense_hits, lexical_hits):
            for rank, hit in enumerate(ranking, start=1):
                fused[hit.clause_id] = fused.get(hit.clause_id, 0.0) + 1.0 / (self.rrf_k + rank)

        by_id = {hit.clause_id: hit for hit in lexical_hits}
        by_id.update({hit.clause_id: hit for hit in dense_hits})
        cosine = {hit.clause_id: hit.score for hit in dense_hits}
        missing = [cid for cid in fused if cid not in cosine]
        if missing:
            cosine.update(self.dense.similarities(vector, missing))

        # Ties in RRF (one clause first in one list, another first in the other) go to the
        # clause closer in meaning.
        order = sorted(fused, key=lambda cid: (-fused[cid], -cosine[cid], cid))[:k]
        return [Hit(cid, by_id[cid].title, by_id[cid].text, cosine[cid]) for cid in order]
