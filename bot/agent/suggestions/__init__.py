"""Suggested replies: policy-grounded wordings ranked with the closest past resolutions (FAISS,
`retrieval.index`'s store), and the build of that index from a resolutions corpus."""
