"""Benchmarks that print figures (never timed tests): kept outside the ``generator`` package,
so the published wheel carries none of them."""
