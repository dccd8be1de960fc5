"""Related papers computed in another process, while the stage step reads and renders the pages.

Staging is single-threaded Python: one core reads the pages, assigns topics and renders the
listings, feeds and search index while the second core would have nothing to do. Related papers
are the largest piece of work that needs only the collection and its topics, and it takes
seconds at 10,000 papers (scikit-learn's import alone is one to two), so it runs in a child
process started before the collection is read (``RelatedJob.spawn``: the child loads its
libraries meanwhile) and handed the work as soon as the topics are known; the paper pages,
rendered with a slot for their related papers, are completed when the answer arrives.

The child is a fresh ``python -m generator.taxonomy.background`` that reads the papers from its stdin
and writes the answer to its stdout (both pickled: the two processes are the same program).
Not ``multiprocessing``: forking a process that has threads (``serve``'s file watcher) can copy a
held lock, and spawning re-imports the caller's main script, which would build the site again if
that script is not guarded. If the child cannot start or fails, the same function runs here
instead, so the result never depends on where it was computed.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.core.model import Paper

log = logging.getLogger("mkdocs.plugins.papershelf")

Related = dict[str, tuple[str, ...]]
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)  # where ``generator`` is imported from


def compute_related(papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> Related:
    """``related.related_papers``, imported only where it runs: scikit-learn is slow to import,
    and the building process never needs it when the child does the work."""
    from generator.taxonomy.related import related_papers

    return related_papers(papers, topics)


class RelatedJob:
    """``compute_related(papers, topics)`` in a child process, collected later.

    ``RelatedJob(papers, topics)`` starts the child and hands it the work at once;
    ``RelatedJob.spawn()`` starts a child that loads its libraries (a second or more) while the
    build still reads the collection, and ``send`` hands it the work when it is known."""

    def __init__(
        self,
        papers: Sequence[Paper] | None = None,
        topics: Mapping[str, Sequence[str]] | None = None,
        *,
        nice: bool = False,
    ) -> None:
        self._args: tuple[list[Paper], dict[str, tuple[str, ...]]] | None = None
        self._result: Related | None = None
        self._cancelled = False
        self._answer: tuple[int, bytes, bytes] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))}
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "generator.taxonomy.background", *(["--nice"] if nice else [])],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except OSError as err:  # no processes here: do it in this one, later
            log.debug("related papers computed in the build process: %s", err)
        if papers is not None:
            self.send(papers, topics or {})

    @classmethod
    def spawn(cls) -> RelatedJob:
        return cls()

    def send(self, papers: Sequence[Paper], topics: Mapping[str, Sequence[str]]) -> None:
        """Hand the child its work (once)."""
        self._args = (list(papers), {slug: tuple(names) for slug, names in topics.items()})
        if self._proc is None:
            return
        payload = pickle.dumps(self._args, protocol=pickle.HIGHEST_PROTOCOL)
        # The pipe holds less than the papers: a thread feeds it and collects the answer while
        # this one goes on building (it waits on the pipes, so it does not hold the GIL).
        self._talker = threading.Thread(target=self._talk, args=(self._proc, payload), daemon=True)
        self._talker.start()

    def _talk(self, proc: subprocess.Popen[bytes], payload: bytes) -> None:
        try:
            out, err = proc.communicate(payload)
        except (OSError, ValueError) as error:  # the child went away while being fed
            out, err = b"", str(error).encode()
        self._answer = (proc.returncode if proc.returncode is not None else -1, out, err)

    def result(self) -> Related:
        """The related papers, waiting for the child if it is still at work; nothing for a
        cancelled job (its lists are no longer wanted: computing them here would only take the
        processor from the work that replaced them)."""
        if self._result is not None:
            return self._result
        if self._cancelled:
            return {}
        if self._proc is not None:
            self._talker.join()
            code, out, err = self._answer or (-1, b"", b"")
            self._proc = None
            if code == 0:
                try:
                    self._result = pickle.loads(out)
                    return self._result
                except (pickle.UnpicklingError, EOFError, ValueError) as error:
                    err = str(error).encode()
            if self._cancelled:
                return {}
            # Not an error (the answer is the same), but the build is slower: say why.
            log.info("related papers computed in the build process: %s", err.decode(errors="replace")[-500:])
        assert self._args is not None, "send() comes before result()"
        self._result = compute_related(*self._args)
        return self._result

    def cancel(self) -> None:
        """Stop the child (the build failed or was restarted)."""
        self._cancelled = True
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self._proc = None


def main() -> int:
    """The child: papers and topics in on stdin, related papers out on stdout. With
    ``--nice`` (a preview) it yields the processor to the engine's rebuild of the edit."""
    if "--nice" in sys.argv[1:] and hasattr(os, "nice"):
        os.nice(10)
    from generator.taxonomy.related import related_papers  # noqa: F401 - loaded before the work arrives

    papers, topics = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(pickle.dumps(compute_related(papers, topics), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
