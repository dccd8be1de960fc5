"""Topics from tags and keyword rules, and related papers: pure functions over the collection."""
