"""The site's pages as escaped HTML: paper bodies, listings, topic and info pages, head tags."""
