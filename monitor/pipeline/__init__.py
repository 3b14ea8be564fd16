"""The steps of one source's part of a pass, driven by `monitor.pipeline.one_pass`:

- `listing`: the adapter, its listing deduplicated and size-checked, cross-checks, evidence;
- `known`: what the store knows of the source's documents (one query) and the bookkeeping of
  the unchanged ones (one commit);
- `fetching`: whether a listed document needs a request, the conditional download, reading;
- `recording`: a new version and its events, a document error, removals.
"""
