"""One invocation of the double: its state, its profile, and the profile's live status."""

from __future__ import annotations

from .harness import Harness
from .output import EX_GUEST_NOT_RUNNING, fail, profile_not_found
from .state import State

# A profile written by `double-seed`: nothing runs behind it (state.py).
NO_CONTROL_PLANE = "none"


class Context:
    def __init__(self, state: State, profile: str):
        self.state = state
        self.profile = profile

    def harness(self, name: str | None = None) -> Harness:
        return Harness(self.state, name or self.profile)

    def require(self, json_output: bool = False) -> dict:
        """The profile's record; a missing profile exits 85 as minikube does."""
        data = self.state.load(self.profile)
        if data is None:
            raise profile_not_found(self.profile, json_output)
        return data

    def live_status(self, data: dict) -> str:
        """Running / Stopped / Paused, checked against the harness (it may have died)."""
        if data.get("ControlPlane") == NO_CONTROL_PLANE:
            return data["Status"]
        if data["Status"] == "Running" and self.harness(data["Name"]).status() != "Running":
            return "Stopped"
        return data["Status"]

    def require_running(self, data: dict, reason: str = "GUEST_NOT_RUNNING", suggest: bool = False) -> None:
        """Exit 83 unless the profile's host runs, with minikube's reason (and start suggestion)."""
        if self.live_status(data) != "Running":
            raise fail(
                EX_GUEST_NOT_RUNNING,
                reason,
                f"The control-plane node {self.profile} host is not running: state=Stopped",
                f'To start a cluster, run: "minikube start -p {self.profile}"' if suggest else "",
            )
