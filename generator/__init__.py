"""PaperShelf: build a static, searchable site of research papers from one page per paper.

The pipeline is ``stage.Stager.run`` (``python -m generator stage``), and the engine only renders
what it writes. The sub-packages are layers, and imports run one way, down this list
(``tests/test_layers.py`` holds the code to it):

- ``commands/``  the command line (``python -m generator …``), one module per command
- ``stage``      the pipeline: reads ``content/``, asks for the related papers, renders and
                 writes the staged folder only where it changed; ``plan`` says what each staged file holds
                 (pure functions); ``engine/`` is the seam to the engine: the MkDocs plugin
                 (speed, search hand-off) and the command line of each engine
- ``site/``      the pages as escaped HTML: paper bodies (``render``), listings and topic pages,
                 info pages, head tags
- ``outputs/``   feeds, exports, citations, the email digest
- ``search/``    the search index and the typo vocabulary
- ``taxonomy/``  each paper's topics, and its related papers (computed in a child process, when
                 ``background.RelatedSchedule`` says)
- ``content/``   each paper field once (``paper_fields``), the page format (``pages``), the
                 collection, what ``content/`` may hold (``files``; maintainers' pages through
                 the sanitizer), ``validate``, the writer and the import's merge rule
- ``services/``  the Hugging Face and arXiv APIs, through one polite HTTP client
- ``readers/``   listings, saved records and Daily Papers responses -> ``Paper`` (``core.model``)
- ``core/``      what every layer shares: the model, routes and external links (each URL
                 pattern once), value rules, escaping and relative links (``html``), excerpts,
                 words, math as text, settings, the site's identity, text cleanup
"""

__version__ = "0.1.0"
