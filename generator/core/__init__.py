"""The model every stage passes on, and the facts every stage shares: routes, links, value
rules, escaping, excerpts, words, math as text, settings."""
