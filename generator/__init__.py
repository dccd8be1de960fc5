"""PaperShelf: build a static, searchable site of research papers from one page per paper.

The pipeline, in the order data flows:

- ``readers/``      listings, saved records and Daily Papers responses -> ``Paper``
- ``services/``     the Hugging Face and arXiv APIs, through one polite HTTP client
- ``enrichment``    an arXiv record -> the empty fields of a page whose title it matches exactly
- ``core/links``    every external URL pattern (arXiv, DOI, title searches, the APIs), once
- ``textclean``     TeX debris and URLs in listing text -> clean Unicode
- ``pages``         ``Paper`` <-> one markdown page with YAML front matter (the contributor format)
- ``writer``        ``Paper`` -> ``content/papers/<slug>.md``, never clobbering hand edits
- ``collection``    ``content/papers/`` -> the sorted list of papers a build works on
- ``render``        ``Paper`` -> safe HTML fragments (escaping lives here and only here)
- ``listings``      the collection -> generated pages (home, archive by date, month and year)
- ``topics``        taxonomy rules + tags -> each paper's topics, and the topic pages
- ``related``       the collection -> each paper's five most similar papers (tf-idf)
- ``citations``     ``Paper`` -> BibTeX entry; ``head`` -> Scholar, JSON-LD and OpenGraph tags
- ``tex``, ``icons`` which pages load the math renderer; the link buttons' icons
- ``compact``       every built page without the theme's indentation (page weight)
- ``feeds``         the collection -> Atom, RSS and JSON feeds of the newest papers, per topic too
- ``exports``       the collection -> ``papers.json`` (versioned schema) and ``papers.bib``
- ``subscribe``     settings -> the generated Subscribe and Data pages
- ``digest``        papers of a date window -> one multipart email; ``mailer`` sends it by SMTP
- ``site_identity`` ``mkdocs.yml``'s name, ``site_url`` and folders, for commands outside a build
- ``validate``      every page and the whole collection -> problems (fields, duplicates, files)
- ``scaffold``      options, BibTeX or an arXiv response -> a new page (``new``)
- ``search``        the built paper pages -> a Pagefind index; ``pagefind_files`` makes it reproducible
- ``rawblocks``, ``fastpages`` build speed: listings skip Markdown, paper pages reuse one rendering
- ``bench``, ``validate_bench`` benchmarks that print figures (never timed tests)
- ``site_config``   the schema of ``site_config.yml``
- ``mkdocs_plugin`` the only module that talks to MkDocs
- ``commands/``     the command line (``python -m generator …``)
"""

__version__ = "0.1.0"
