"""Clients for the services the importers read: Hugging Face Daily Papers and the arXiv API.

Every call goes through ``http.PoliteClient`` (one User-Agent, timeouts, retries with backoff,
a minimum interval between calls) and every failure becomes one ``ServiceError`` line that
names the service and says what to do, so a command can print it and stop before writing.
"""
