"""A reader's own shelf: the data My shelf reads in the browser (records, top terms, authors)."""
