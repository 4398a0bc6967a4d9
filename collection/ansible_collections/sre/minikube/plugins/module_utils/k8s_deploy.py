# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a list of objects server-side, with a generated Secret created once, in one module process.

What sre.minikube.k8s_deploy does, on kubernetes.core's own client and
service (kubernetes.core.plugins.module_utils.k8s): each object goes through
kubernetes.core's perform_action exactly as kubernetes.core.k8s with
``apply: true`` and ``server_side_apply`` sends it (a read, a server-side
apply under the field manager, the comparison that decides ``changed``), so
the objects, their field ownership and check mode (a server-side dry run)
are the same; only the process starts, the action plugin and the templating
of one task per step are saved.

The Secret holds values given out once (database passwords): it is read
first, and

- when it exists, every key it must hold is checked before anything is
  applied, and a missing key refuses the run (a new value would not match
  what was initialised with the old one);
- when it is missing, it is created with a random value per key right after
  the Namespace it lives in is applied (first, when the list has no such
  Namespace). The values exist only in the request that creates it: they
  are never returned, never shown in a diff and never logged.
"""

from __future__ import annotations

import copy
import secrets
import string

# The generated values: letters and digits, safe inside a URL.
PASSWORD_CHARACTERS = string.ascii_letters + string.digits
# Bookkeeping of the API server, left out of the returned objects and diffs.
DEFAULT_HIDDEN_FIELDS = ["metadata.managedFields"]
# Shown in place of each generated value in a diff.
NOT_SHOWN = "(generated, not shown)"


class DeployError(Exception):
    """A refusal or a failed request; ``result`` holds what was done before it."""

    def __init__(self, msg, result=None):
        super().__init__(msg)
        self.result = result or {}


def generate_password(length, choice=secrets.choice):
    return "".join(choice(PASSWORD_CHARACTERS) for _index in range(length))


def where(definition):
    metadata = definition.get("metadata") or {}
    name = metadata.get("name", "")
    namespace = metadata.get("namespace")
    return f"{definition.get('kind')} {namespace}/{name}" if namespace else f"{definition.get('kind')} {name}"


def check_definitions(definitions):
    """Refuse, before any request, an object that has no kind, apiVersion or name."""
    for index, definition in enumerate(definitions):
        metadata = definition.get("metadata") if isinstance(definition, dict) else None
        if not (isinstance(metadata, dict) and definition.get("kind") and definition.get("apiVersion")):
            raise DeployError(
                f"definitions[{index}] is not a Kubernetes object: it needs apiVersion, kind and metadata."
            )
        if not metadata.get("name"):
            raise DeployError(f"definitions[{index}] ({definition['kind']}) has no metadata.name.")


def missing_keys(secret_object, keys):
    data = (secret_object or {}).get("data") or {}
    return [key for key in keys if key not in data]


class Deployer:
    """One deploy: the Secret check or creation and the apply of every definition, in order.

    svc is a kubernetes.core K8sService (its module's params hold server_side_apply);
    perform_action is kubernetes.core's runner.perform_action (or a test's stand-in).
    """

    def __init__(self, svc, perform_action, check_mode=False, diff=False, hidden_fields=None, password=None):
        self.svc = svc
        self.perform_action = perform_action
        self.check_mode = check_mode
        self.diff = diff
        self.hidden_fields = DEFAULT_HIDDEN_FIELDS if hidden_fields is None else hidden_fields
        self.password = password or generate_password
        self.objects = []
        self.diffs = []
        self.changed = False
        # Namespaces this run creates; in check mode their objects cannot be dry-run.
        self.new_namespaces = set()

    def result(self, **extra):
        result = {"changed": self.changed, "objects": self.objects, **extra}
        if self.diff:
            result["diff"] = self.diffs
        return result

    def fail(self, msg):
        raise DeployError(msg, self.result())

    # -- the Secret
    def read_secret(self, definition):
        try:
            resource = self.svc.find_resource("Secret", definition.get("apiVersion", "v1"), fail=True)
            existing = self.svc.retrieve(resource, definition)
        except Exception as error:  # kubernetes.core's CoreException, or the client's
            self.fail(f"reading {where(definition)} failed: {error}")
        return existing.to_dict() if existing else None

    def create_secret(self, secret):
        definition = copy.deepcopy(secret["definition"])
        self.changed = True
        shown = dict(definition, data=dict.fromkeys(secret["keys"], NOT_SHOWN))
        shown.pop("stringData", None)
        if self.diff:
            self.diffs.append({"before": {}, "after": shown, "after_header": where(definition)})
        if self.check_mode:
            # A dry run would send generated values for nothing; what would be created is known.
            self.objects.append(shown)
            return
        definition.pop("data", None)
        definition["stringData"] = {key: self.password(secret["length"]) for key in secret["keys"]}
        resource = self.svc.find_resource("Secret", definition.get("apiVersion", "v1"), fail=True)
        try:
            created, _warnings = self.svc.create(resource, definition)
        except Exception as error:  # kubernetes.core's CoreException, or the client's
            self.fail(f"creating {where(definition)} failed: {error}")
        # The created object holds the values: only its metadata and key names are kept.
        kept = {key: value for key, value in created.items() if key not in ("data", "stringData")}
        kept["data"] = dict.fromkeys(sorted((created.get("data") or {}).keys()), NOT_SHOWN)
        kept["metadata"] = {
            key: value for key, value in (created.get("metadata") or {}).items() if key != "managedFields"
        }
        self.objects.append(kept)

    # -- the objects
    def apply(self, definition, field_manager, force_conflicts):
        definition = copy.deepcopy(definition)
        params = {
            "state": "present",
            "apply": True,
            "server_side_apply": {"field_manager": field_manager, "force_conflicts": force_conflicts},
            "hidden_fields": self.hidden_fields,
            "wait": False,
        }
        namespace = (definition.get("metadata") or {}).get("namespace")
        if self.check_mode and namespace in self.new_namespaces:
            # The namespace does not exist yet, so the server cannot dry-run what goes in it.
            self.changed = True
            self.objects.append(definition)
            if self.diff:
                self.diffs.append({"before": {}, "after": definition, "after_header": where(definition)})
            return
        try:
            if self.check_mode and definition["kind"] == "Namespace":
                resource = self.svc.find_resource("Namespace", definition["apiVersion"], fail=True)
                if not self.svc.retrieve(resource, definition):
                    self.new_namespaces.add(definition["metadata"]["name"])
            outcome = self.perform_action(self.svc, definition, params)
        except Exception as error:  # kubernetes.core's CoreException and ResourceTimeout
            self.fail(f"applying {where(definition)} failed: {error}")
        self.changed |= bool(outcome.get("changed"))
        self.objects.append(outcome.get("result") or {})
        if self.diff and outcome.get("changed"):
            diff = outcome.get("diff") or {}
            self.diffs.append(
                {
                    "before": diff.get("before", {}),
                    "after": diff.get("after", outcome.get("result") or {}),
                    "before_header": where(definition),
                    "after_header": where(definition),
                }
            )

    def run(self, definitions, field_manager, force_conflicts=False, secret=None):
        """Check or create the Secret and apply the definitions in order; the module's result."""
        check_definitions(definitions)
        create_after = None
        if secret:
            existing = self.read_secret(secret["definition"])
            if existing is not None:
                missing = missing_keys(existing, secret["keys"])
                if missing:
                    why = secret.get("hint") or (
                        "its values were given out when it was created, so new ones are not generated."
                        " Put the missing keys back, or delete the Secret with what was initialised from it."
                    )
                    self.fail(f"{where(secret['definition'])} has no {', '.join(missing)}: {why}")
            else:
                namespace = secret["definition"]["metadata"].get("namespace")
                create_after = next(
                    (
                        index
                        for index, definition in enumerate(definitions)
                        if definition["kind"] == "Namespace" and definition["metadata"]["name"] == namespace
                    ),
                    -1,
                )
                if create_after == -1:
                    self.create_secret(secret)
        for index, definition in enumerate(definitions):
            self.apply(definition, field_manager, force_conflicts)
            if create_after == index:
                self.create_secret(secret)
        return self.result()
