"""Topics from tags and keyword rules, and related papers (pure functions over the collection),
with the child process that computes the related papers and its schedule (``background``)."""
