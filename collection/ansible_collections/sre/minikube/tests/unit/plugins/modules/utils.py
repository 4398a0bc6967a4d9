# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers to run a module's main() in-process and capture its result."""

from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


class AnsibleExitJson(Exception):
    """Raised in place of exit_json; carries the module's result."""


class AnsibleFailJson(Exception):
    """Raised in place of fail_json; carries the module's result."""


def exit_json(*args, **kwargs):
    kwargs.setdefault("changed", False)
    raise AnsibleExitJson(kwargs)


def fail_json(*args, **kwargs):
    kwargs["failed"] = True
    raise AnsibleFailJson(kwargs)


@contextlib.contextmanager
def set_module_args(args):
    """Expose args to AnsibleModule, on every supported ansible-core."""
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core < 2.19
        serialized = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(basic, "_ANSIBLE_ARGS", serialized)
            yield
    else:
        with patch_module_args(args):
            yield


def run_module(main, args):
    """Run main() with args; return (result, failed)."""
    with set_module_args(args):
        try:
            main()
        except AnsibleExitJson as exc:
            return exc.args[0], False
        except AnsibleFailJson as exc:
            return exc.args[0], True
    raise AssertionError("the module returned without calling exit_json or fail_json")
