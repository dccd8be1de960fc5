"""What ties PaperShelf to a site engine: running one on the staged folder (``run``)."""
