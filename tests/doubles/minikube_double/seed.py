"""`minikube double-seed`: a command of the double only, not of minikube.

It writes a profile with no control plane behind it (ControlPlane "none",
state.py): the driver, runtime, node IP and status a test asks for. The
commands that only read a profile (`profile list`, `ip`, `status`,
`addons list`, `delete`) answer for it as for any other; those that need
the control plane fail. A test uses it where no cluster can run, e.g.
inside the dns_resolver scenario's containers, and seeds the profile
again to change it (another driver). A profile that has a control plane
is not overwritten.

    minikube -p NAME double-seed [--driver=D] [--container-runtime=R]
                                 [--ip=ADDRESS] [--status=Running|Stopped]
"""

from __future__ import annotations

import argparse
import ipaddress
from typing import TYPE_CHECKING

from .context import NO_CONTROL_PLANE
from .output import EX_OK, EX_USAGE, UsageError, fail, say
from .start import CNIS, DEFAULT_CPUS, DEFAULT_KUBERNETES_VERSION, DEFAULT_MEMORY_MB, DRIVERS, RUNTIMES
from .state import new_profile, node_ip

if TYPE_CHECKING:
    from .context import Context


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an IP address: {text!r}") from None


def seed(ctx: Context, args: list[str]) -> int:
    parser = UsageError(prog="minikube double-seed")
    parser.add_argument("--driver", choices=DRIVERS, default="docker")
    parser.add_argument("--container-runtime", choices=RUNTIMES, default="containerd")
    parser.add_argument("--cni", choices=CNIS, default="auto")
    parser.add_argument("--kubernetes-version", default=DEFAULT_KUBERNETES_VERSION)
    parser.add_argument("--ip", type=_address, default=None)
    parser.add_argument("--status", choices=("Running", "Stopped"), default="Running")
    opts = parser.parse_args(args)
    existing = ctx.state.load(ctx.profile)
    if existing is not None and existing.get("ControlPlane") != NO_CONTROL_PLANE:
        raise fail(
            EX_USAGE,
            "MK_USAGE",
            f'profile "{ctx.profile}" has a control plane: delete it (minikube delete -p {ctx.profile}) before seeding',
        )
    opts.cpus, opts.memory_mb = DEFAULT_CPUS, DEFAULT_MEMORY_MB
    data = new_profile(ctx.profile, opts)
    data["Status"] = opts.status
    data["ControlPlane"] = NO_CONTROL_PLANE
    data["Config"]["Nodes"][0]["IP"] = opts.ip or node_ip()
    summary = f"driver {opts.driver}, IP {data['Config']['Nodes'][0]['IP']}, {opts.status}"
    if existing == data:
        say(f'Profile "{ctx.profile}" is already seeded ({summary})')
        return EX_OK
    ctx.state.save(data)
    say(f'Seeded profile "{ctx.profile}" ({summary}), no control plane behind it')
    return EX_OK
