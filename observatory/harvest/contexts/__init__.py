"""Local copies of well-known JSON-LD contexts: remote contexts are never fetched."""
