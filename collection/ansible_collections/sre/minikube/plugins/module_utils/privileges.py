# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which stage of site.yml needs root on a host, and why: decided here only.

Three callers ask the same question and must give the same answer:

- the privilege check play (playbooks/privileges.yml), through the filters
  sre.minikube.root_stages and sre.minikube.root_reasons and the module
  sre.minikube.write_access;
- tools/become_check.py, which runs before ansible-playbook to ask for the
  sudo password once, and loads this file by its path (it imports the
  standard library only, for that reason);
- the install plan (module_utils/install_plan.py), which escalates when
  write_access() says the connecting user cannot write the install directory.

The settings themselves (the install directory, dns_resolver_become) come
from the same variables the stages read (playbooks/vars/install.yml), so
the callers never pick one setting of their own.
"""

from __future__ import annotations

import os

# The stages that can need root, in site.yml's order.
INSTALL, CLUSTER, DNS, CLEAN = "install", "cluster", "dns", "clean"


def selected_stages(run_tags, skip_tags):
    """The stages that can need root among those a run with these tags runs.

    Follows Ansible's tag rules for site.yml: each stage is tagged with its
    name; clean is tagged never as well, so only an explicit ``clean``
    selects it, and its DNS part is tagged ``dns`` too. ``run_tags`` empty
    means every stage (``all``), as ``ansible_run_tags`` says without --tags.
    """
    run = {str(tag) for tag in run_tags or ()} or {"all"}
    skip = {str(tag) for tag in skip_tags or ()}

    def chosen(tag):
        return tag not in skip and bool({tag, "all", "tagged"} & run)

    stages = [stage for stage in (INSTALL, CLUSTER, DNS) if chosen(stage)]
    if CLEAN in run and not {CLEAN, DNS} & skip:
        stages.append(CLEAN)
    return stages


def root_reasons(stages, install_dir, install_writable, dns_become, trust_ca=False):
    """Why each of ``stages`` needs root on the host, one sentence each; empty when none does.

    ``install_writable``: whether the connecting user can create the binary
    in ``install_dir`` (see write_access). ``dns_become``: the dns_resolver
    role's dns_resolver_become, false when the host's resolver files are
    the user's own. ``trust_ca``: the setting sre_minikube_trust_ca, with
    which the cluster stage adds the local CA to the host's trusted
    certificates and the clean stage removes it.
    """
    reasons = []
    if INSTALL in stages and not install_writable:
        reasons.append(f"the install stage writes minikube into {install_dir}, which you cannot write")
    if CLUSTER in stages and trust_ca:
        reasons.append(
            "the cluster stage adds the stack's local CA to the host's trusted certificates (sre_minikube_trust_ca)"
        )
    if dns_become:
        if DNS in stages:
            reasons.append("the dns stage writes the host's resolver configuration under /etc and reloads the resolver")
        if CLEAN in stages:
            reasons.append(
                "the clean stage removes the host's resolver configuration under /etc and reloads the resolver"
            )
    if CLEAN in stages and trust_ca:
        reasons.append("the clean stage removes the stack's local CA from the host's trusted certificates")
    return reasons


def nearest_existing(path, exists=None):
    """The path itself when it exists, else its nearest existing parent (where it would be created)."""
    exists = exists or os.path.exists
    while not exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


def can_write(directory):
    """Whether this process can create a file in ``directory``."""
    return os.path.isdir(directory) and os.access(directory, os.W_OK | os.X_OK)


def write_access(install_dir, uid, writable=None, exists=None):
    """Who the connecting user is and whether they can create files in ``install_dir`` (``~`` expanded).

    Root writes anywhere; anyone else needs write access to the directory,
    or to its nearest existing parent when it is missing (the install stage
    creates it there). ``writable`` and ``exists`` stand in for the file
    system's answers (can_write, os.path.exists) in tests.
    """
    nearest = nearest_existing(install_dir.rstrip("/") or "/", exists)
    return {
        "uid": uid,
        "root": uid == 0,
        "path": install_dir,
        "nearest": nearest,
        "writable": uid == 0 or (writable or can_write)(nearest),
    }
