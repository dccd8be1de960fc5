"""Site search: the Pagefind index, made reproducible."""
