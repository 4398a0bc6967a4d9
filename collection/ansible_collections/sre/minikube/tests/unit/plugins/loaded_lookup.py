# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lookup plugin as Ansible's plugin loader hands it out, for tests that do not start the loader."""

from __future__ import annotations

import yaml
from ansible.constants import config


def loaded_lookup(module, name):
    """MODULE's LookupModule under its fully qualified NAME, with the options of its documentation registered.

    The loader gives every plugin its name and registers its documented options before the first run;
    set_options reads both (ansible-core 2.17 and 2.18 have no default name, 2.19 a None one).
    """
    plugin = module.LookupModule()
    plugin._load_name = name
    options = yaml.safe_load(module.DOCUMENTATION).get("options") or {}
    config.initialize_plugin_configuration_definitions("lookup", name, options)
    return plugin
