#!/usr/bin/env python3
"""Benchmark of site.yml: a first converge, the deploy stage against bare kubectl, a no-op re-run.

Runs in the full-stack Molecule scenario's environment (molecule/default:
the minikube test double from a local release mirror, the test control
plane, the local Docker engine), with the scenario's own environment
variables and inventory, and prints:

- the first converge: wall time and time per stage;
- the deploy stage: a no-op `ansible-playbook site.yml --tags deploy` and
  the same job done by a hand-written script (tests/bench/kubectl_deploy.sh:
  `minikube status`, `minikube image ls` per image, one server-side
  `kubectl apply` of the manifests the app_deploy role renders,
  `kubectl rollout status` per StatefulSet and Deployment), timed
  alternately, their medians and the ratio (target: at most 1.5), and the
  share of the deploy run that app_deploy's apply and rollout wait take;
- the whole no-op `site.yml` (every stage but dns, as the scenario runs
  it): the median wall time (target: at most 6 s), each stage's median time
  (ansible start-up included) and the slowest tasks of the median run.

BENCH_RUNS and BENCH_SITE_RUNS set the number of runs (5 and 5);
BENCH_JSON names a file to write every run's figures to, each task's
time included; BENCH_COMPARE names such a file from an earlier run, whose
figures are then printed beside this run's, stage by stage.

The machine's load average is printed at the start and the end: the
figures mean little on a machine busy with other jobs.

It fails when a no-op run reports a change or starts an image build, or
when any run fails. The targets on time are reported, not enforced: they
hold on the 2-core machines the figures in the README come from.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

TOP = Path(__file__).resolve().parents[2]
SCENARIO = "default"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SITE_RUNS = int(os.environ.get("BENCH_SITE_RUNS", "5"))
DEPLOY_RATIO_TARGET = 1.5
NOOP_TARGET_SECONDS = 6.0
VERIFY_TARGET_SECONDS = 3.0
SLOWEST = 10


def molecule(*args):
    return subprocess.run(["molecule", *args, "-s", SCENARIO], cwd=TOP, capture_output=True, text=True, check=False)


def ephemeral_dir() -> Path:
    # Molecule (ansible-compat) keeps its scenario directories under $ANSIBLE_HOME/tmp; the Makefile points
    # ANSIBLE_HOME at the tests' cache.
    home = Path(os.environ.get("ANSIBLE_HOME", "~/.ansible")).expanduser()
    found = sorted(home.glob(f"tmp/molecule.*.{SCENARIO}"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit(f"bench: molecule made no ephemeral directory for scenario {SCENARIO}")
    return found[-1]


def scenario_env(ephemeral: Path) -> dict[str, str]:
    """The environment molecule gives the scenario's playbooks: its provisioner.env, expanded."""
    config = yaml.safe_load((TOP / "molecule" / SCENARIO / "molecule.yml").read_text())
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(TOP / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        MOLECULE_EPHEMERAL_DIRECTORY=str(ephemeral),
        MOLECULE_PROJECT_DIRECTORY=str(TOP),
        MOLECULE_SCENARIO_DIRECTORY=str(TOP / "molecule" / SCENARIO),
    )
    saved = os.environ.copy()
    try:
        os.environ.update(env)
        for name, value in config["provisioner"].get("env", {}).items():
            env[name] = os.path.expandvars(str(value))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return env


def build_count(ephemeral: Path) -> int:
    log = ephemeral / "minikube-double" / "commands.log"
    if not log.exists():
        return 0
    return sum("build" in json.loads(line)["argv"] for line in log.read_text().splitlines())


def seconds(duration: dict) -> float:
    start = datetime.fromisoformat(duration["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(duration.get("end", duration["start"]).replace("Z", "+00:00"))
    return (end - start).total_seconds()


def failures(report: dict) -> str:
    lines = []
    for play in report.get("plays", []):
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if result.get("failed") or result.get("unreachable"):
                    detail = result.get("msg") or result.get("stderr") or json.dumps(result)[:2000]
                    lines.append(f"{host}: {task['task']['name']} ({task['task']['path']}): {detail}")
    return "\n".join(lines)


class Bench:
    def __init__(self, ephemeral: Path):
        self.ephemeral = ephemeral
        self.env = scenario_env(ephemeral)
        self.inventory = str(ephemeral / "inventory")

    def playbook(self, label: str, *args: str) -> dict:
        """One ansible-playbook run, timed, with the JSON callback's report of plays and tasks."""
        env = dict(self.env, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_JSON_INDENT="0")
        builds = build_count(self.ephemeral)
        start = time.monotonic()
        result = subprocess.run(
            ["ansible-playbook", "-i", self.inventory, *args],
            cwd=TOP,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - start
        # The JSON callback writes the report on one line; profile_tasks
        # (ansible.cfg) writes its own lines around it.
        reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"')]
        report = reports[-1] if reports else {}
        if result.returncode != 0:
            sys.stderr.write(failures(report) or (result.stdout + result.stderr)[-6000:])
            raise SystemExit(f"\nbench: {label} failed (ansible-playbook {' '.join(args)})")
        if "stats" not in report:
            sys.stderr.write((result.stdout + result.stderr)[-6000:])
            raise SystemExit(f"\nbench: {label} gave no JSON report (ansible-playbook {' '.join(args)})")
        stats = report["stats"]
        stages: dict[str, float] = {}
        tasks = []
        for play in report["plays"]:
            stage = Path(play["play"]["path"].rsplit(":", 1)[0]).stem
            stages[stage] = stages.get(stage, 0.0) + seconds(play["play"]["duration"])
            for task in play["tasks"]:
                path = task["task"]["path"].rsplit(":", 1)[0]
                where = Path(path).relative_to(TOP) if path.startswith(str(TOP)) else Path(path)
                tasks.append((seconds(task["task"]["duration"]), task["task"]["name"], str(where)))
        stages["(ansible start-up and parsing)"] = wall - sum(stages.values())
        return {
            "label": label,
            "wall": wall,
            "ok": sum(host["ok"] for host in stats.values()),
            "changed": sum(host["changed"] for host in stats.values()),
            "stages": stages,
            "tasks": sorted(tasks, reverse=True),
            "builds": build_count(self.ephemeral) - builds,
        }

    def baseline(self, manifests: Path) -> dict:
        """The hand-written-script baseline of the deploy stage, timed."""
        profile, manager = self.role_facts()
        start = time.monotonic()
        result = subprocess.run(
            [
                str(TOP / "tests" / "bench" / "kubectl_deploy.sh"),
                str(self.ephemeral / "bin" / "minikube"),
                profile,
                manager,
                str(manifests),
            ],
            cwd=TOP,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - start
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit("bench: the bare-kubectl baseline failed")
        return {"wall": wall}

    @staticmethod
    def role_facts() -> tuple[str, str]:
        settings = yaml.safe_load((TOP / "playbooks" / "sre_minikube_settings" / "defaults" / "main.yml").read_text())
        role_vars = yaml.safe_load((TOP / "roles" / "app_deploy" / "vars" / "main.yml").read_text())
        return settings["sre_minikube_profile"], role_vars["_app_deploy_field_manager"]


def check_noop(run: dict, problems: list[str]) -> None:
    if run["changed"] or run["builds"]:
        problems.append(
            f"{run['label']}: changed={run['changed']}, image builds={run['builds']} (a no-op must have none)"
        )


def median_run(runs: list[dict]) -> dict:
    return sorted(runs, key=lambda run: run["wall"])[len(runs) // 2]


def median_wall(runs: list[dict]) -> float:
    return statistics.median(run["wall"] for run in runs)


def stage_medians(runs: list[dict]) -> dict[str, float]:
    """Each stage's median time over the runs (a stage missing from a run counts 0)."""
    names = {stage for run in runs for stage in run["stages"]}
    return {stage: statistics.median(run["stages"].get(stage, 0.0) for run in runs) for stage in names}


def task_files(run: dict) -> dict[str, float]:
    """Seconds per task file (each task's path, without its line) of one run, largest first."""
    files: dict[str, float] = {}
    for duration, _name, where in run["tasks"]:
        files[where] = files.get(where, 0.0) + duration
    return dict(sorted(files.items(), key=lambda item: -item[1]))


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def figures(runs: dict) -> dict:
    """The two target figures and the per-stage medians of one bench's runs."""
    deploy, baseline = median_wall(runs["deploys"]), median_wall(runs["baselines"])
    return {
        "noop": median_wall(runs["noops"]),
        "deploy": deploy,
        "baseline": baseline,
        "ratio": deploy / baseline,
        "stages": stage_medians(runs["noops"]),
        "deploy_stages": stage_medians(runs["deploys"]),
    }


def report(runs: dict, before: dict | None) -> list[tuple[str, bool, str]]:
    """Print the figures (beside an earlier bench's, when given); the targets, met or not."""
    first, deploys, baselines, noops = runs["first"], runs["deploys"], runs["baselines"], runs["noops"]
    now = figures(runs)
    then = figures(before) if before else None

    print("\nsite.yml benchmark (minikube test double, test control plane, local Docker engine)")
    print(f"load average at the start: {runs['load'][0]}; at the end: {runs['load'][1]}")

    print(f"\ndeploy stage, {len(deploys)} alternating runs each (seconds):")
    print(f"  {'ansible-playbook site.yml --tags deploy':<44} " + " ".join(f"{r['wall']:5.2f}" for r in deploys))
    print(f"  {'bare kubectl (tests/bench/kubectl_deploy.sh)':<44} " + " ".join(f"{r['wall']:5.2f}" for r in baselines))
    print(f"  medians: deploy {now['deploy']:.2f} s, baseline {now['baseline']:.2f} s, ratio {now['ratio']:.2f}")
    if then:
        print(f"  before:  deploy {then['deploy']:.2f} s, baseline {then['baseline']:.2f} s, ratio {then['ratio']:.2f}")
    deploy = median_run(deploys)
    print(f"  the median --tags deploy run ({deploy['wall']:.2f} s), seconds per play (median over the runs):")
    plays = sorted(now["deploy_stages"].items(), key=lambda item: -item[1])
    print("    " + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in plays if seconds >= 0.01))
    print("  and seconds per task file of the median run (its share of the run's wall time):")
    for where, seconds in task_files(deploy).items():
        if seconds >= 0.01:
            print(f"    {seconds:6.2f} {seconds / deploy['wall']:>5.0%}  {where}")
    print("  its slowest tasks:")
    for duration, name, where in deploy["tasks"][:SLOWEST]:
        print(f"    {duration:6.2f}  {name}  ({where})")

    noop = median_run(noops)
    stages = sorted(set(first["stages"]) | set(now["stages"]), key=lambda s: (s.startswith("("), s))
    header = f"  {'stage':<32} {'first converge':>15} {'no-op median':>13} {'share':>6}"
    print(f"\nwhole site.yml (every stage but dns), seconds per stage; no-op: the median of {len(noops)} runs")
    print(header + (f" {'no-op before':>13}" if then else ""))
    for stage in stages:
        converge, median = first["stages"].get(stage, 0.0), now["stages"].get(stage, 0.0)
        line = f"  {stage:<32} {converge:>15.2f} {median:>13.2f} {median / now['noop']:>6.0%}"
        if then:
            line += f" {then['stages'].get(stage, 0.0):>13.2f}"
        print(line)
    total = f"  {'total (wall)':<32} {first['wall']:>15.2f} {now['noop']:>13.2f} {'':>6}"
    print(total + (f" {then['noop']:>13.2f}" if then else ""))
    print(
        f"  tasks run: {first['ok']} / {noop['ok']}; changed: {first['changed']} / {noop['changed']}; "
        f"image builds: {first['builds']} / {noop['builds']}"
    )
    print("  no-op walls: " + " ".join(f"{r['wall']:.2f}" for r in noops))

    print(f"\nslowest {SLOWEST} tasks of the median no-op run ({noop['wall']:.2f} s):")
    for duration, name, where in noop["tasks"][:SLOWEST]:
        print(f"  {duration:6.2f}  {name}  ({where})")

    verify = now["stages"].get("verify", 0.0)
    targets = [
        (
            f"no-op site.yml median at most {NOOP_TARGET_SECONDS:.0f} s",
            now["noop"] <= NOOP_TARGET_SECONDS,
            f"{now['noop']:.2f} s" + (f", before {then['noop']:.2f} s" if then else ""),
        ),
        (
            f"--tags deploy median at most {DEPLOY_RATIO_TARGET:.1f}x bare kubectl",
            now["ratio"] <= DEPLOY_RATIO_TARGET,
            f"{now['ratio']:.2f}x" + (f", before {then['ratio']:.2f}x" if then else ""),
        ),
        (f"verify at most {VERIFY_TARGET_SECONDS:.0f} s of it", verify <= VERIFY_TARGET_SECONDS, f"{verify:.2f} s"),
    ]
    print("\ntargets:")
    for name, met, figure in targets:
        print(f"  {name:<48} {'met' if met else 'NOT met':>8} ({figure})")
    return targets


def main() -> int:
    before = json.loads(Path(os.environ["BENCH_COMPARE"]).read_text()) if os.environ.get("BENCH_COMPARE") else None
    load_at_start = load()
    molecule("destroy")
    created = molecule("create")
    if created.returncode != 0:
        sys.stderr.write((created.stdout + created.stderr)[-6000:])
        raise SystemExit("bench: could not create the scenario's environment")
    problems: list[str] = []
    try:
        bench = Bench(ephemeral_dir())
        first = bench.playbook("first converge", "site.yml", "--skip-tags", "dns")
        with tempfile.TemporaryDirectory(prefix="bench-manifests-") as manifests:
            bench.playbook("render", "tests/bench/render.yml", "-e", f"app_deploy_render_dir={manifests}")
            deploys, baselines = [], []
            for index in range(RUNS):
                deploys.append(bench.playbook(f"no-op --tags deploy #{index + 1}", "site.yml", "--tags", "deploy"))
                baselines.append(bench.baseline(Path(manifests)))
        noops = [
            bench.playbook(f"no-op site.yml #{index + 1}", "site.yml", "--skip-tags", "dns")
            for index in range(SITE_RUNS)
        ]
        load_at_end = load()
    finally:
        molecule("destroy")

    for run in deploys + noops:
        check_noop(run, problems)
    runs = {
        "first": first,
        "deploys": deploys,
        "baselines": baselines,
        "noops": noops,
        "load": [load_at_start, load_at_end],
    }
    if os.environ.get("BENCH_JSON"):
        # Every run's figures, each task's time included, for a closer look (and BENCH_COMPARE).
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(runs, indent=1))
    report(runs, before)

    if problems:
        print("\nbench: FAILED, a no-op run changed something or built an image:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print("\nno-op runs: changed=0 and no image build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
