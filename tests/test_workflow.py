"""The network repository's CI workflow and pre-commit hook run the documented commands safely."""

from __future__ import annotations

import re
import shlex

import yaml

from chorus.cli import make_parser
from chorus.conf import PACKAGE_DIR, PROJECT_ROOT

NETWORK_TEMPLATE = PACKAGE_DIR / "skeleton/network.yml"  # what `chorus init` writes


def load(path):
    return yaml.safe_load((PROJECT_ROOT / path).read_text())


def chorus_commands(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                if line.strip().startswith("chorus "):
                    yield line.strip()


def test_workflow_triggers_and_permissions():
    workflow = load(".github/workflows/network.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    check, publish = workflow["jobs"]["check"], workflow["jobs"]["publish"]
    assert "pull_request" in check["if"] and "permissions" not in check
    assert publish["if"] == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    assert publish["permissions"]["pages"] == "write"


def step_index(job: dict, predicate) -> int:
    return next(i for i, step in enumerate(job["steps"]) if predicate(step))


def uses(action: str):
    return lambda step: step.get("uses", "").startswith(action + "@")


def runs(command: str):
    return lambda step: step.get("run", "").startswith(command)


def test_main_is_published_every_hour():
    """A post dated in the future appears within the hour after its date, with nobody pushing."""
    [schedule] = load(".github/workflows/network.yml")[True]["schedule"]
    minute, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*", "*"] and 0 <= int(minute) < 60, "hourly"


def test_builds_restore_the_render_cache_and_main_saves_it():
    workflow = load(".github/workflows/network.yml")
    for name in ("check", "publish"):
        job = workflow["jobs"][name]
        restore = step_index(job, uses("actions/cache/restore"))
        assert job["steps"][restore]["with"]["path"] == "cache"
        assert job["steps"][restore]["with"]["restore-keys"] == "chorus-cache-"
        assert restore < step_index(job, runs("chorus build"))
    publish = workflow["jobs"]["publish"]
    save = step_index(publish, uses("actions/cache/save"))
    assert (
        step_index(publish, runs("chorus build")) < save < step_index(publish, uses("actions/deploy-pages"))
    )
    assert publish["steps"][save]["with"]["path"] == "cache"
    assert publish["steps"][save]["with"]["key"].startswith("chorus-cache-")
    assert "github.run_id" in publish["steps"][save]["with"]["key"], "caches are immutable: one key per run"
    assert not any(
        uses("actions/cache/save")(s) or uses("actions/cache")(s) for s in workflow["jobs"]["check"]["steps"]
    )


def test_a_pull_request_gets_a_preview_linked_beside_the_check():
    check = load(".github/workflows/network.yml")["jobs"]["check"]
    steps = check["steps"]
    annotate = step_index(check, lambda s: "--format github" in s.get("run", ""))
    build = step_index(check, runs("chorus build --strict"))
    upload = step_index(check, uses("actions/upload-artifact"))
    summary = step_index(check, lambda s: "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert annotate < build < upload < summary
    assert steps[upload]["with"]["path"] == "output"
    assert steps[upload]["id"] == "preview" and "steps.build.outcome == 'success'" in steps[upload]["if"]
    # the summary runs even when the check failed, links the artifact and lists the check's findings
    assert "!cancelled()" in steps[build]["if"] and "!cancelled()" in steps[summary]["if"]
    assert steps[summary]["env"]["PREVIEW_URL"] == "${{ steps.preview.outputs.artifact-url }}"
    assert "$PREVIEW_URL" in steps[summary]["run"] and "chorus check --changed-since" in steps[summary]["run"]
    assert "${{" not in steps[summary]["run"], "values reach the script as variables, never pasted into it"


def test_workflow_runs_the_documented_commands():
    workflow = load(".github/workflows/network.yml")
    commands = list(chorus_commands(workflow))
    assert any("--changed-since" in c and "--format github" in c for c in commands)
    assert any(c.startswith("chorus build --strict -s publishconf.py") for c in commands)
    parser = make_parser()
    for command in commands:
        args = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "main", command))[1:]
        parser.parse_args(args)  # exits (fails the test) on an unknown option


def test_pre_commit_runs_check_on_staged_files():
    config = load(".pre-commit-config.yaml")
    [hook] = config["repos"][0]["hooks"]
    assert hook["entry"] == "chorus check" and hook["pass_filenames"] is True
    assert re.search(hook["files"], "content/li-wei/x.md") and re.search(hook["files"], "authors/li-wei.yml")
    assert re.search(hook["files"], "redirects.yml")
    make_parser().parse_args(["check", "content/li-wei/x.md"])


def network_workflow(demo: str) -> str:
    """The demo's workflow as a network repository needs it: the pinned Chorus release
    instead of this checkout, and the address GitHub Pages serves for the published build."""
    text = demo.replace(
        "# CI for the network's own repository.\n",
        "# CI for this network's repository (written by `chorus init`; adapt it freely).\n",
    )
    text = text.replace("cache-dependency-path: pyproject.toml", "cache-dependency-path: requirements.txt")
    text = text.replace(
        "      - run: python -m pip install .\n",
        "      - run: python -m pip install -r requirements.txt  # the pinned Chorus release\n",
    )
    build = "      - name: Build strictly with the publishing settings\n        run: chorus build --strict -s publishconf.py\n"
    pages = "      - id: pages\n        uses: actions/configure-pages@v5\n"
    siteurl = "        env:\n          CHORUS_SITEURL: ${{ steps.pages.outputs.base_url }}  # where GitHub Pages serves the site\n"
    return text.replace(build, pages + build + siteurl)


def test_a_new_networks_workflow_is_the_demos_with_the_pinned_release_and_the_pages_address():
    demo = (PROJECT_ROOT / ".github/workflows/network.yml").read_text()
    assert NETWORK_TEMPLATE.read_text() == network_workflow(demo), "regenerate chorus/skeleton/network.yml"
    workflow = yaml.safe_load(NETWORK_TEMPLATE.read_text())
    installs = [
        s["run"]
        for job in workflow["jobs"].values()
        for s in job["steps"]
        if "pip install" in s.get("run", "")
    ]
    assert installs == ["python -m pip install -r requirements.txt"] * 2
    publish = workflow["jobs"]["publish"]["steps"]
    [build] = [s for s in publish if s.get("run", "").startswith("chorus build --strict -s publishconf.py")]
    assert build["env"]["CHORUS_SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    parser = make_parser()
    for command in chorus_commands(workflow):
        parser.parse_args(shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "main", command))[1:])
