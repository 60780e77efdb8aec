"""Past one machine: N shard processes together grade exactly the batch, each submission once.

The processes are started the way the cluster starts them: the Slurm array script itself, with the
variables Slurm sets, and the Kubernetes Job's container arguments with its index substituted.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.cli import build_parser
from autograder.course.paths import KIT
from tests.helpers.submissions import solved_submission, write

DEPLOY = KIT.root / "deploy"
SLURM = DEPLOY / "slurm" / "grade-array.sh"
JOB = DEPLOY / "kubernetes" / "grade-job.yaml"
SHARDS = 3
STUDENTS = [f"student{i:02d}" for i in range(8)]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("course")
    solved = solved_submission()
    for student in STUDENTS:
        folder = root / "submitted" / student / "step_by_step"
        folder.mkdir(parents=True)
        write(folder, "step_by_step", solved)
    return root


def test_slurm_array_tasks_together_grade_each_submission_exactly_once(course):
    dnnkit = Path(sys.executable).with_name("dnnkit")
    if not dnnkit.exists():
        pytest.skip(f"no dnnkit script next to {sys.executable}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env |= {"DNNKIT_COURSE": str(course), "DNNKIT": str(dnnkit)}
    env |= {"SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": str(SHARDS)}
    env |= {"SLURM_CPUS_PER_TASK": "1"}
    tasks = [
        subprocess.Popen(
            ["bash", str(SLURM)],
            env={**env, "SLURM_ARRAY_TASK_ID": str(5 + k)},  # --array=5-7: shards 0, 1, 2
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(SHARDS)
    ]
    outputs = [task.communicate(timeout=300) for task in tasks]
    for task, (out, err) in zip(tasks, outputs, strict=True):
        assert task.returncode == 0, out + err
    graded = [line.split()[0] for out, _ in outputs for line in out.splitlines() if "->" in line]
    assert sorted(graded) == STUDENTS  # each once, none left out
    assert sum(int(out.split("other shards ")[1].split(";")[0]) for out, _ in outputs) == 2 * 8
    files = sorted(p.stem for p in (course / "results" / "step_by_step").glob("*.json"))
    assert files == STUDENTS
    records = [json.loads(p.read_text()) for p in (course / "results").rglob("*.json")]
    assert all(r["score"] == r["max_score"] for r in records)


def test_the_kubernetes_job_runs_one_shard_per_index_with_results_on_the_volume():
    job = yaml.safe_load(JOB.read_text())
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    (container,) = spec["template"]["spec"]["containers"]
    env = {item["name"]: item for item in container["env"]}
    shards = int(env["SHARDS"]["value"])
    assert spec["completions"] == spec["parallelism"] == shards
    assert env["DNNKIT_COURSE_SECRET"]["valueFrom"]["secretKeyRef"]
    assert container["command"] == ["sh", "-c"]
    (script,) = container["args"]
    command, _, tolerated = script.partition(" || ")
    assert tolerated == '[ "$?" -eq 3 ]'  # some notebooks not graded: still a finished shard
    for index in range(shards):
        variables = {"$JOB_COMPLETION_INDEX": str(index), "$SHARDS": str(shards)}
        args = []
        for word in shlex.split(command):
            for name, value in variables.items():
                word = word.replace(name, value)
            args.append(word)
        assert args[0] == "dnnkit"
        parsed = build_parser("grade").parse_args(args[1:])
        assert parsed.shard == f"{index}/{shards}"
        assert parsed.results is not None
        assert str(parsed.results) in {m["mountPath"] for m in container["volumeMounts"]} or (
            not Path(parsed.results).is_absolute()
            and container["workingDir"] in {m["mountPath"] for m in container["volumeMounts"]}
        )
