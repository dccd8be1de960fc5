"""The contributor format: pages in, ``Paper`` records out (and back), checked and written safely."""
