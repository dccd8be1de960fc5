"""Measurements of the built site that are too slow or too noisy for the test suite."""
