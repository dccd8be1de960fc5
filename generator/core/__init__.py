"""The model every stage passes on, and the facts every stage shares: routes, ids, settings."""
