"""The site: what readers see, made from the collection (page fragments, listings, pages)."""
