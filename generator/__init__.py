"""PaperShelf: build a static, searchable site of research papers from one page per paper.

The pipeline is ``stage.Stager.run`` (``python -m generator stage``), and the engine only renders
what it writes. Data flows through the sub-packages in this order:

- ``readers/``   listings, saved records and Daily Papers responses -> ``Paper`` (``core.model``)
- ``services/``  the Hugging Face and arXiv APIs, through one polite HTTP client
- ``content/``   the page format (``pages``), the collection, what ``content/`` may hold
                 (``files``), ``validate``, the writer and the import's merge rule
- ``taxonomy/``  each paper's topics, and its related papers (computed in a child process)
- ``site/``      escaped HTML: paper bodies (``render``), listings, info pages, head tags,
                 maintainers' pages through the sanitizer
- ``outputs/``   feeds, exports, citations, the email digest
- ``search/``    the search index and the typo vocabulary, written by the stager
- ``stage``      all of the above -> the staged folder, written only where it changed
- ``engine/``    the seam to the engine: the MkDocs plugin (speed, search hand-off) and the
                 command line of each engine
- ``core/``      what every stage shares: the model, routes and external links (each URL
                 pattern once), settings, the site's identity, text cleanup
- ``commands/``  the command line (``python -m generator …``)
"""

__version__ = "0.1.0"
