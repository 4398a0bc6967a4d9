# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
name: stage_summary
type: aggregate
short_description: End the run with its URL, the paid invoices and the time of each stage
version_added: 1.0.0
description:
  - Times each stage of C(site.yml) (a play whose tags name a stage, such as
    V(install) or V(deploy); any other play by its name) from its start to
    the next play, and at the end of the run prints one short summary block
    with the URL and the paid invoices the verify stage left in the custom
    stat C(sre_minikube_summary), and the time of each stage that ran.
  - A play counts as run when at least one of its tasks not tagged
    V(always) started, so C(--tags deploy) lists the deploy stage alone
    (role argument validation runs under every tag and is not counted).
  - It only reads the callback events; it adds no task to the run.
author:
  - sre.minikube maintainers (@sre-minikube)
requirements:
  - enable it in ansible.cfg (C(callbacks_enabled = sre.minikube.stage_summary))
options:
  stages:
    description: Tags that name a stage, in the order the summary lists them first.
    type: list
    elements: str
    default: [install, cluster, build, deploy, dns, verify, clean]
    ini:
      - section: callback_stage_summary
        key: stages
    env:
      - name: SRE_MINIKUBE_SUMMARY_STAGES
"""

import time  # noqa: E402

from ansible.plugins.callback import CallbackBase  # noqa: E402
from ansible_collections.sre.minikube.plugins.plugin_utils.summary import summary_lines as format_summary  # noqa: E402

SUMMARY_STAT = "sre_minikube_summary"


class Stages:
    """Wall time per stage; plain logic, kept apart from the callback's events."""

    def __init__(self, stages, clock=time.monotonic):
        self.stages = list(stages)
        self.clock = clock
        self.seconds = {}
        self._current = None
        self._started = None
        self._ran = False

    def stage_of(self, name, tags):
        for stage in self.stages:
            if stage in tags:
                return stage
        return name or "play"

    def play(self, name, tags):
        self.close()
        self._current = self.stage_of(name, tags)
        self._started = self.clock()
        self._ran = False

    def task(self, tags):
        if "always" not in tags:
            self._ran = True

    def close(self):
        if self._current is not None and self._ran:
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + self.clock() - self._started
        self._current = None

    def ordered(self):
        known = [s for s in self.stages if s in self.seconds]
        return [(s, self.seconds[s]) for s in known + [s for s in self.seconds if s not in self.stages]]


def summary_lines(stages, custom):
    """The summary block: URL, paid invoices, time per stage."""
    found = (custom or {}).get("_run", {}).get(SUMMARY_STAT)
    return format_summary(found, stages.ordered(), "verify" in stages.seconds)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "sre.minikube.stage_summary"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stages = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self._stages = Stages(self.get_option("stages"))

    def v2_playbook_on_play_start(self, play):
        self._stages.play(play.get_name(), set(play.tags or []))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._stages.task(set(task.tags or []))

    def v2_playbook_on_handler_task_start(self, task):
        self._stages.task(set(task.tags or []))

    def v2_playbook_on_stats(self, stats):
        self._stages.close()
        self._display.banner("SUMMARY")
        for line in summary_lines(self._stages, getattr(stats, "custom", {})):
            self._display.display(line)
