"""`python -m generator new`: valid pages from options, saved records or questions in a terminal;
never an overwrite, never a page that validate would refuse."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.content.pages import read_page
from generator.readers.arxiv_atom import read_arxiv_atom
from generator.readers.bibtex import read_bibtex
from generator.readers.records import RecordError
from tests.conftest import ROOT

RECORDS = ROOT / "tests" / "fixtures" / "records"
CTRL_D = "\x04"


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "site_config.yml").write_text("taxonomy:\n  - name: Fine-tuning and adaptation\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "content" / "papers"


def new(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["new", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_options_write_a_valid_page(shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    abstract = tmp_path / "abstract.txt"
    abstract.write_text("We present QLoRA.\r\n\r\nA second paragraph with $O(n^2)$.\r\n", encoding="utf-8")
    code, out, err = new(
        capsys,
        *("--title", "QLoRA: Efficient Finetuning of Quantized LLMs", "--date", "2025-07-08"),
        *("--arxiv", "https://arxiv.org/abs/2305.14314v2", "--code", "https://github.com/artidoro/qlora"),
        *("--abstract-file", str(abstract), "--author", "Tim Dettmers", "--author", "Artidoro Pagnoni"),
        *("--author", "Ari Holtzman"),
        *("--tag", "Fine-tuning and adaptation", "--submitted-by", "@octocat"),
    )
    assert (code, err) == (0, "")
    assert "wrote content/papers/qlora-efficient-finetuning-of-quantized-llms.md" in out
    page = shelf / "qlora-efficient-finetuning-of-quantized-llms.md"
    assert page.read_text(encoding="utf-8") == (
        "---\n"
        "title: 'QLoRA: Efficient Finetuning of Quantized LLMs'\n"
        "date: 2025-07-08\n"
        "authors:\n- Tim Dettmers\n- Artidoro Pagnoni\n- Ari Holtzman\n"
        "arxiv: '2305.14314'\n"
        "code: https://github.com/artidoro/qlora\n"
        "tags:\n- Fine-tuning and adaptation\n"
        "submitted_by: octocat\n"
        "---\n\n"
        "We present QLoRA.\n\nA second paragraph with $O(n^2)$.\n"
    )
    assert main(["validate"]) == 0


def test_same_title_gets_a_new_slug_only_for_a_different_paper(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    abstract = shelf.parent / "abstract.txt"
    abstract.write_text("The dominant sequence transduction models.\n", encoding="utf-8")
    first = ("--title", "Attention Is All You Need", "--date", "2025-07-08", "--abstract-file", str(abstract))
    assert new(capsys, *first, "--arxiv", "1706.03762")[0] == 0
    code, out, _ = new(capsys, *first, "--arxiv", "2501.00001")
    assert code == 0 and "wrote content/papers/attention-is-all-you-need-2.md" in out
    code, _, err = new(capsys, *first, "--arxiv", "arXiv:1706.03762v7")
    assert code == 1
    assert "not written: content/papers/attention-is-all-you-need-3.md" in err
    assert "arxiv: 1706.03762 is also the arXiv id of content/papers/attention-is-all-you-need.md" in err
    assert sorted(p.name for p in shelf.iterdir()) == ["attention-is-all-you-need-2.md", "attention-is-all-you-need.md"]


def test_bad_values_are_named_by_option_and_nothing_is_written(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "--title", "T", "--date", "2025-07-08", "--code", "javascript:alert(1)", "--arxiv", "x")
    assert code == 1
    assert "--arxiv: 'x' is not an arXiv id" in err
    assert "--code: 'javascript:alert(1)' is not an https:// URL" in err
    assert new(capsys, "--title", "T", "--date", "2025-02-30")[2].startswith("error: --date: '2025-02-30' is not")
    code, _, err = new(capsys, "--title", "T", "--date", "2025-07-08", "--slug", "../../etc/x")
    assert (code, err.strip()) == (2, "error: --slug: '../../etc/x' is not a valid slug — use lowercase letters,"
                                      " digits and hyphens")  # fmt: skip
    assert list(shelf.iterdir()) == []


def test_never_overwrites(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = shelf / "kept.md"
    kept = "---\ntitle: Kept\ndate: 2025-07-08\n---\n\nKept abstract.\n"
    page.write_text(kept, encoding="utf-8")
    abstract = shelf.parent / "abstract.txt"
    abstract.write_text("Other abstract.\n", encoding="utf-8")
    code, _, err = new(
        capsys, "--title", "Other", "--date", "2025-07-08", "--slug", "kept", "--abstract-file", str(abstract)
    )
    assert code == 1 and "the slug 'kept' is also used by content/papers/kept.md" in err
    assert page.read_text(encoding="utf-8") == kept


def test_without_a_terminal_missing_fields_are_an_error(shelf: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "new", "--title", "T"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --date is required; or run the command in a terminal to be asked"


def test_from_bibtex(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "--from-bibtex", str(RECORDS / "references.bib"), "--date", "2025-07-08")
    assert code == 1  # the QLoRA entry has no abstract: an empty page is refused, the others are written
    assert f"{RECORDS / 'references.bib'}:22: this entry is not valid BibTeX" in err
    assert "not written: content/papers/qlora-efficient-finetuning-of-quantized-llms.md" in err
    assert "abstract: is empty" in err
    assert not (shelf / "qlora-efficient-finetuning-of-quantized-llms.md").exists()
    melange, _ = read_page(shelf / "melange-cost-efficient-large-language-model-serving-by-exploiting-gpu.md")
    assert melange is not None
    qlora = read_bibtex((RECORDS / "references.bib").read_text(encoding="utf-8"))[0][0]
    assert (qlora.arxiv, qlora.code) == ("2305.14314", "https://github.com/artidoro/qlora")
    assert qlora.authors == ["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"]
    assert melange.title == "Mélange: Cost Efficient Large Language Model Serving by Exploiting GPU Heterogeneity"
    assert melange.authors[0] == "Tyler Griggs" and melange.arxiv == "2404.14527"
    assert melange.abstract.startswith("Large language models (LLMs)")


def test_bibtex_reader_takes_the_full_date_and_keeps_going_after_broken_entries() -> None:
    records, problems = read_bibtex((RECORDS / "references.bib").read_text(encoding="utf-8"))
    assert [r.line for r in records] == [3, 14]
    assert [r.date for r in records] == [None, dt.date(2024, 4, 22)]  # a year alone is not a date
    assert problems == [(22, "this entry is not valid BibTeX (check its braces and commas)")]


def test_from_arxiv_atom(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = new(capsys, "--from-arxiv-atom", str(RECORDS / "arxiv-2305.14314.atom.xml"))
    assert code == 0 and "wrote content/papers/qlora-efficient-finetuning-of-quantized-llms.md" in out
    paper, problems = read_page(shelf / "qlora-efficient-finetuning-of-quantized-llms.md")
    assert problems == [] and paper is not None
    assert (paper.arxiv, paper.published, paper.category, paper.code) == (
        "2305.14314",
        dt.date(2023, 5, 23),  # the first version: the publication date
        "cs.LG",
        "https://github.com/artidoro/qlora",
    )
    assert paper.date == dt.date.today()  # listed today: the day it was added, not when it was published
    assert paper.abstract.startswith("We present QLoRA, an efficient finetuning approach that reduces memory usage")
    assert "Adapters (LoRA)" in paper.abstract and "\n" not in paper.abstract


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("arxiv-error.atom.xml", "no paper could be read from it"),
        ("arxiv-billion-laughs.atom.xml", "the file declares a DTD or entities"),
        ("arxiv-external-entity.atom.xml", "the file declares a DTD or entities"),
        ("references.bib", "not well-formed XML"),
    ],
)
def test_unsafe_or_wrong_arxiv_files_are_refused(
    shelf: Path, capsys: pytest.CaptureFixture[str], fixture: str, message: str
) -> None:
    code, _, err = new(capsys, "--from-arxiv-atom", str(RECORDS / fixture))
    assert code == 2 and message in err
    assert list(shelf.iterdir()) == []


def test_arxiv_error_response_is_explained() -> None:
    records, problems = read_arxiv_atom((RECORDS / "arxiv-error.atom.xml").read_bytes())
    assert records == []
    assert problems == [(1, "the response is an arXiv API error: 'incorrect id format for 2305.1431'")]
    with pytest.raises(RecordError, match="not well-formed XML"):
        read_arxiv_atom(b"<feed")


def _talk(master: int, proc: subprocess.Popen[bytes], script: list[tuple[str, str | None]]) -> str:
    """Answer each prompt when it appears on the terminal (None: only wait for the text);
    returns what was shown after the last prompt."""
    seen = b""
    for prompt, answer in script:
        deadline = time.monotonic() + 20
        while prompt.encode() not in seen:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(f"no prompt {prompt!r}; the terminal showed:\n{seen.decode(errors='replace')}")
            if select.select([master], [], [], 0.2)[0]:
                seen += os.read(master, 4096)
        seen = seen[seen.index(prompt.encode()) + len(prompt) :]
        # Ctrl-D (end of input) is sent as it is; every other answer is a typed line.
        if answer is not None:
            os.write(master, answer.encode() if answer == CTRL_D else answer.encode() + b"\r")
    proc.wait(timeout=20)
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


def _terminal(args: list[str], script: list[tuple[str, str | None]]) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "new", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(slave)
    try:
        shown = _talk(master, proc, script)
    finally:
        os.close(master)
    return proc.returncode, shown


def test_asks_for_the_fields_in_a_terminal(shelf: Path) -> None:
    code, shown = _terminal(
        [],
        [
            ("Title: ", "Taming Visually Guided Sound Generation"),
            ("The listing date is the day the paper is added to the shelf", None),
            ("Listing date (YYYY-MM-DD) [", "2025-02-30"),  # not a real date: asked again
            ("2025-02-30 is not a real date", "8 July 2025"),
            ("write the date as YYYY-MM-DD", "2025-07-08"),
            ("Author 1: ", "Iashin, Vladimir"),  # one author, with a hint
            ("write it 'Vladimir Iashin'", "Esa Rahtu"),
            ("Author 3: ", ""),
            ("arXiv id (optional): ", "arXiv:2110.08791v1"),
            ("Code repository URL (optional): ", "http://github.com/v-iashin/SpecVQGAN"),
            ("give an https:// URL", "https://github.com/v-iashin/SpecVQGAN"),
            ("  1. Fine-tuning and adaptation", None),  # the taxonomy is offered
            ("(optional): ", "7"),  # the topics: 7 is not in this site's one-topic list
            ("not a number from the list (1 to 1)", "1, Sound design"),
            ("GitHub login", "not a login!"),
            ("not a GitHub login", "@octocat"),
            ("end with Ctrl-D on an empty line:", "Recent advances in visually-induced"),
            ("", "audio generation.\r\r\rA second paragraph, after blank lines."),
            ("", ""),  # a blank line does not end the abstract
            ("", "A third paragraph."),
            ("", CTRL_D),
        ],
    )
    assert code == 0, shown
    assert "wrote content/papers/taming-visually-guided-sound-generation.md" in shown
    paper, problems = read_page(shelf / "taming-visually-guided-sound-generation.md")
    assert problems == [] and paper is not None
    assert paper.authors == ("Iashin, Vladimir", "Esa Rahtu")
    assert (paper.arxiv, paper.code) == ("2110.08791", "https://github.com/v-iashin/SpecVQGAN")
    assert paper.tags == ("Fine-tuning and adaptation", "Sound design")
    assert paper.submitted_by == "octocat"
    assert paper.abstract == (
        "Recent advances in visually-induced audio generation.\n\n"
        "A second paragraph, after blank lines.\n\nA third paragraph."
    )


def test_only_the_missing_fields_are_asked(shelf: Path) -> None:
    code, shown = _terminal(
        ["--title", "Only a Title", "--author", "A. Author", "--arxiv", "2501.00002", "--code", "https://x.org/c"],
        [
            ("Listing date (YYYY-MM-DD) [", "2025-07-08"),
            ("(optional): ", ""),
            ("GitHub login", ""),
            ("end with Ctrl-D on an empty line:", "One line."),
            ("", CTRL_D),
        ],
    )
    assert code == 0, shown
    assert "Author 1" not in shown and "arXiv id" not in shown
    paper, problems = read_page(shelf / "only-a-title.md")
    assert problems == [] and paper is not None
    assert (paper.authors, paper.tags, paper.submitted_by, paper.abstract) == (("A. Author",), (), None, "One line.")


def test_an_author_with_a_comma_stays_one_author(shelf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    abstract = shelf.parent / "abstract.txt"
    abstract.write_text("Deeper neural networks are more difficult to train.\n", encoding="utf-8")
    code, _, err = new(
        capsys,
        *("--title", "Deep Residual Learning for Image Recognition", "--date", "2025-07-08"),
        *("--author", "He, Kaiming", "--author", "Xiangyu Zhang, Shaoqing Ren", "--author", "Jian  Sun"),
        *("--abstract-file", str(abstract)),
    )
    assert code == 0, err
    assert (
        "--author 'He, Kaiming' is kept as one author; it looks like 'Last, First': if so, write it 'Kaiming He'" in err
    )
    assert "--author 'Xiangyu Zhang, Shaoqing Ren' is kept as one author; for several authors, repeat --author" in err
    assert "Jian" not in err
    paper, _ = read_page(shelf / "deep-residual-learning-for-image-recognition.md")
    assert paper is not None
    assert paper.authors == ("He, Kaiming", "Xiangyu Zhang, Shaoqing Ren", "Jian Sun")


def test_help_says_what_the_listing_date_is(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["new", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "the day the paper is added to the shelf (not its publication date); it orders the home page" in text
    assert '"Smith, John" is one author' in text
