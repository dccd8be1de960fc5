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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from generator.core import caches
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
        # The pipe holds less than the papers: a thread feeds it and collects the answer while
        # this one goes on building (it waits on the pipes, so it does not hold the GIL).
        self._talker = threading.Thread(target=self._talk, args=(self._proc, self._args), daemon=True)
        self._talker.start()

    def _talk(self, proc: subprocess.Popen[bytes], args: object) -> None:
        """Pickle the work straight into the child's pipe, then collect its answer. Never the
        whole pickle in memory: 80 MB at 50,000 papers, held until the child ended, while the
        search index was made beside it."""
        try:
            assert proc.stdin is not None
            pickle.dump(args, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, ValueError):  # the child went away while being fed: its exit code says so
            pass
        try:
            out, err = proc.communicate()
        except (OSError, ValueError) as error:
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


RELATED_PAUSE_S = 1.0
"""In a preview, the related papers are recomputed once saves pause for this long."""


class RelatedSchedule:
    """When the related papers are computed, and the last lists: the scheduling half of the
    stage step, beside the child process that computes them (``RelatedJob``).

    A build asks for the lists of its collection (``lists``) and waits for them as late as it
    can: a child started early (``warm_up``) loads its libraries while the collection is read,
    gets the work as soon as the topics are known, and the build renders meanwhile. A preview
    (``wait=False``) does not wait: its pages show at once with the last lists, and the lists of
    the new collection are computed once saves pause for ``RELATED_PAUSE_S`` (``start_pending``),
    after which ``on_related`` is called, so the caller stages once more.

    A timer thread starts the preview's job, so the state it shares with the caller is kept
    under one lock.
    """

    def __init__(self, on_related: Callable[[], None] | None = None) -> None:
        self.on_related = on_related
        self._lock = threading.Lock()  # the job and the timer, shared with the timer's thread
        self._job: RelatedJob | None = None
        self._timer: threading.Timer | None = None
        self._warm: RelatedJob | None = None  # a child started early, waiting for its work
        self._pending: tuple[list[Paper], Mapping[str, tuple[str, ...]], int] | None = None
        self._lists: Mapping[str, Sequence[str]] = {}
        self._lists_for: int | None = None  # the signature of the collection ``_lists`` are of

    @staticmethod
    def signature(papers: Sequence[Paper], topics: Mapping[str, tuple[str, ...]]) -> int:
        """What the related papers depend on: the papers and their topics."""
        return hash((tuple(papers), tuple(topics.items())))

    def known_for(self, signature: int) -> bool:
        """Whether the last lists are those of the collection with ``signature``."""
        return self._lists_for == signature

    @property
    def computing(self) -> bool:
        """Whether a job is at work on lists a build will wait for."""
        return self._job is not None

    def forget(self) -> None:
        """The settings changed: the last lists are no longer known to be right."""
        self._lists_for = None

    def warm_up(self) -> None:
        """Start a child now, when no lists are known yet: it loads its libraries meanwhile."""
        if self._lists_for is None and self._warm is None:
            self._warm = RelatedJob.spawn()

    def lists(
        self, papers: list[Paper], topics: Mapping[str, tuple[str, ...]], signature: int, *, wait: bool
    ) -> Callable[[], Mapping[str, Sequence[str]]]:
        """The related papers of ``papers``, as a call made as late as possible (the child works
        meanwhile). With ``wait=False`` the call gives the last lists at once, and the new ones
        are computed after ``start_pending``."""
        if signature == self._lists_for:
            return lambda: self._lists
        with self._lock:  # lists for an earlier collection are no longer wanted
            if self._timer is not None:
                self._timer.cancel()
            if self._job is not None:
                self._job.cancel()
            self._job, self._timer, self._pending = None, None, None
        if not wait:
            self._pending = (papers, topics, signature)
            return lambda: self._lists
        job, self._warm = self._warm or RelatedJob(), None
        job.send(papers, topics)
        self._job = job

        def result() -> Mapping[str, Sequence[str]]:
            self._lists, self._lists_for = job.result(), signature
            self.close()
            return self._lists

        return result

    def start_pending(self) -> None:
        """Start, once edits pause for ``RELATED_PAUSE_S``, the job that ``lists`` put off until
        the pages were written; ``on_related`` is called when its lists are ready. Saves in quick
        succession start no job each: the child would only take the processor from the next
        edit's restage and rebuild."""
        if self._pending is None:
            return
        pending, self._pending = self._pending, None
        timer = threading.Timer(RELATED_PAUSE_S, self._run_job, args=(pending,))
        timer.daemon = True
        with self._lock:
            self._timer = timer
        timer.start()

    def _run_job(self, pending: tuple[list[Paper], Mapping[str, tuple[str, ...]], int]) -> None:
        papers, topics, signature = pending
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # another edit came first
            self._timer = None
            job = self._job = RelatedJob(papers, topics, nice=True)
        result = job.result()
        with self._lock:
            if self._job is not job:
                return
            self._lists, self._lists_for, self._job = result, signature, None
        if self.on_related is not None:
            self.on_related()

    def close(self) -> None:
        """Stop what runs: the timer, the job, the warm child."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            for job in (self._job, self._warm):
                if job is not None:
                    job.cancel()
            self._job = self._warm = self._timer = None
        self._pending = None


def main() -> int:
    """The child: papers and topics in on stdin, related papers out on stdout. With
    ``--nice`` (a preview) it yields the processor to the engine's rebuild of the edit."""
    if "--nice" in sys.argv[1:] and hasattr(os, "nice"):
        os.nice(10)
    from generator.taxonomy.related import related_papers  # noqa: F401 - loaded before the work arrives

    papers, topics = pickle.load(sys.stdin.buffer)
    with caches.lean():  # one computation: a cache of the papers' words would only hold memory
        related = compute_related(papers, topics)
    pickle.dump(related, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
