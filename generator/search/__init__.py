"""Site search: the index and the typo vocabulary, pure functions of the collection."""
