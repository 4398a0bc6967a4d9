# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a task's module would run on the controller, as the controller's own process does.

With a local connection, no privilege escalation and no task environment,
a module runs as this process's user, with its home, its environment and
its file system. An action plugin may then do the module's work in its own
process, with the module's own code: no Python is started, no module
payload is built, and its arguments are not serialised and read back.
"""

from __future__ import annotations


def runs_here(action):
    """Whether the task of ACTION (an ActionBase) would run its module as this very process's user, here."""
    return (
        getattr(action._connection, "transport", "") == "local"
        and not action._play_context.become
        and not any(action._task.environment or [])
    )
