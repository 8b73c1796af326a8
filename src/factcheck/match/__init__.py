"""Matching claims across documents: embed them (`embed`, on a `backends` encoder), find
nearest neighbours (`ann`), find sources that copy each other (`duplicates`), then score and
group the pairs (`score`).

Nothing heavy is imported here, so `import factcheck.match.backends` stays cheap.
"""
