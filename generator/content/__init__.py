"""The contributor format: each paper field once, pages in, ``Paper`` records out (and back),
maintainers' pages through the sanitizer, checked and written safely."""
