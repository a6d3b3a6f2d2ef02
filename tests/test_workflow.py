"""The network repository's CI workflow and pre-commit hook run the documented commands safely."""

from __future__ import annotations

import re
import shlex

import yaml

from chorus.cli import make_parser
from chorus.conf import PROJECT_ROOT


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
    assert set(triggers) == {"pull_request", "push"} and "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    check, publish = workflow["jobs"]["check"], workflow["jobs"]["publish"]
    assert "pull_request" in check["if"] and "permissions" not in check
    assert "refs/heads/main" in publish["if"]
    assert publish["permissions"]["pages"] == "write"


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
    make_parser().parse_args(["check", "content/li-wei/x.md"])
