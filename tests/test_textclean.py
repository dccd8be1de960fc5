"""The cleanup rules, one case each, plus link extraction."""

from __future__ import annotations

import pytest

from generator.core.textclean import clean_text, clean_url, extract_links


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"M\'elange", "Mélange"),
        (r"M\'{e}lange and Schr\"odinger", "Mélange and Schrödinger"),
        ("models~(DMs)", "models (DMs)"),
        ("up to a 10times reduction", "up to a 10× reduction"),
        ("on 4timesRTX 3090", "on 4×RTX 3090"),
        ("by up to 3.04times on", "by up to 3.04× on"),
        (r"up to 2.4\times speedup", "up to 2.4× speedup"),
        ("about 50 times faster", "about 50 times faster"),
        (r"we introduce \textit{Gaussian-MAE}, which", "we introduce Gaussian-MAE, which"),
        (r"an \emph{important} and \textbf{bold} claim", "an important and bold claim"),
        (r"achieves 4.23\% error", "achieves 4.23% error"),
        (r"we implement \proj, a technique", "we implement proj, a technique"),
        ("ImageNet-{A,R,V2,Sketch}", "ImageNet-A,R,V2,Sketch"),
        ("adopted `sampler' networks", "adopted ‘sampler’ networks"),
        ("  spaced \t out  \n text ", "spaced out text"),
    ],
)
def test_cleanup_rules(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "math",
    [r"$O(n^2)$", r"$a_b * c_d$", r"$\times 10~x$", r"$$\sum_i x_i$$", r"\(a~b\)"],
)
def test_math_is_kept_verbatim(math: str) -> None:
    assert clean_text(f"cost {math} here") == f"cost {math} here"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        (
            "https://github.com/x/ScatterFormer{https://github.com/x/ScatterFormer}.",
            "https://github.com/x/ScatterFormer",
        ),
        ("https://github.com/dong845/MCP-MedSAM}.}", "https://github.com/dong845/MCP-MedSAM"),
        ("https://github.com/pavlyhalim/GPPerf].", "https://github.com/pavlyhalim/GPPerf"),
        ("https://github.com/IST-DASLab/gptq.", "https://github.com/IST-DASLab/gptq"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://sparebenchmark.github.io/", "https://sparebenchmark.github.io/"),
    ],
)
def test_clean_url_strips_debris(raw: str, url: str) -> None:
    assert clean_url(raw) == url


def test_urls_survive_cleanup_and_are_extracted() -> None:
    text = clean_text(
        "Code at https://github.com/x/ScatterFormer{https://github.com/x/ScatterFormer}. "
        "See blue{https://github.com/y/z}.} and https://x.org/~u/a_b. Project https://proj.github.io/."
    )
    assert "https://x.org/~u/a_b" in text  # no tie or brace rule touched the URL
    found = extract_links(text)
    assert found.code == "https://github.com/x/ScatterFormer"
    assert [link.url for link in found.links] == [
        "https://github.com/y/z",
        "https://x.org/~u/a_b",
        "https://proj.github.io/",
    ]
    assert found.links[-1].label == "Project page"


def test_only_https_becomes_a_field() -> None:
    found = extract_links("see http://github.com/insecure/repo and ftp://x.org/y")
    assert found.code is None and found.links == ()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # Shapes seen in real arXiv abstracts: a macro whose arguments the fragment does not hold.
        (
            r"available at \textcolor{red}{https://github.com/o/r.git}.",
            "available at https://github.com/o/r.git.",
        ),
        (r"see \href{https://example.org/gasp/}.", "see https://example.org/gasp/."),
        (r"at \href{this link}{here} now", "at this link here now"),
    ],
)
def test_a_macro_without_its_arguments_keeps_the_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
