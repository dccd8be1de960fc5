"""Icons for the link buttons of paper pages and for the theme's own header, drawer and "Edit
this page" buttons, taken from the icon sets that Material for MkDocs installs with the theme
(Font Awesome, Simple Icons, Octicons, Material Design; their licences ship with the theme).

The build publishes each as ``assets/icons/<name>.svg`` and the stylesheet draws it as a mask,
so a page carries a class name rather than the path data: at 10,000 pages, inlining a 1.5 KB
logo into every page would cost 15 MB of HTML, and the theme's header alone inlines six icons.
"""

from __future__ import annotations

from pathlib import Path

ICON_FOLDER = "assets/icons/"

# name used in the CSS class -> file inside the theme's ``.icons`` folder
ICON_FILES: dict[str, str] = {
    "github": "fontawesome/brands/github.svg",
    "gitlab": "fontawesome/brands/gitlab.svg",
    "bitbucket": "fontawesome/brands/bitbucket.svg",
    "huggingface": "simple/huggingface.svg",
    "codeberg": "simple/codeberg.svg",
    "code": "octicons/code-16.svg",
    "arxiv": "simple/arxiv.svg",
    "pdf": "fontawesome/solid/file-pdf.svg",
    "link": "material/link-variant.svg",
    "doi": "material/book-open-variant.svg",
    "search": "material/magnify.svg",
    # The theme's chrome (``overrides/partials/papershelf-icons.html`` names these, with the
    # theme icon each stands for; an icon configured in mkdocs.yml that is not here stays inline).
    "library": "material/library.svg",
    "menu": "material/menu.svg",
    "brightness-7": "material/brightness-7.svg",
    "brightness-4": "material/brightness-4.svg",
    "file-edit-outline": "material/file-edit-outline.svg",
    "arrow-left": "material/arrow-left.svg",
    "close": "material/close.svg",
}


def theme_icons_dir() -> Path:
    """The ``.icons`` folder of the installed Material theme."""
    import material

    return Path(material.__file__).resolve().parent / "templates" / ".icons"


def icon_files(icons_dir: Path | None = None) -> dict[str, bytes]:
    """``assets/icons/<name>.svg`` -> the SVG's bytes, for every icon the theme provides."""
    base = icons_dir or theme_icons_dir()
    out: dict[str, bytes] = {}
    for name, rel in sorted(ICON_FILES.items()):
        path = base / rel
        if path.is_file():
            out[f"{ICON_FOLDER}{name}.svg"] = path.read_bytes()
    return out
