# Copyright: (c) 2026, sre.minikube maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a list of objects server-side, with a generated Secret created once (and copied), in one module process.

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

Its copies (other Secrets, in other namespaces, each holding some of its
keys: what the pods of one namespace may read) are created right after
their Namespace, with the Secret's values, and replaced when they no longer
hold exactly those keys and values; the values are never returned either.

Ownership: every object carries the caller's mark (a label, checked before
any request), and nothing is taken over, relabelled or deleted that does not
carry it:

- each namespace of the list must be missing (it is created, marked),
  marked, or made by an earlier version (see below); an existing namespace
  of someone else is refused, unless the caller allows adopting it and it is
  empty; ``default`` and ``kube-*`` are always refused;
- an object of the list that exists without the mark is refused before
  anything is applied (the apply would take it over);
- ``state: absent`` deletes only marked objects, each under a precondition on
  the uid that was judged, and deletes a namespace only when nothing but
  its own objects is left in it; a namespace that holds the data (the
  Secret, the volume claims) only with the data.

An object the ownership checks have just read is applied without reading it
again: its apply is judged against that read, as perform_action judges it
against its own (kubernetes.core's diff_objects), which saves one request
per object on every run; in check mode, and for an object not read yet,
perform_action reads and applies it itself.

With a wait, once everything is applied the StatefulSets and Deployments
of the list are judged from the apply's answer (rollout.rolled_out); those
that have not rolled out are read again until they have or the timeout
passes, and the failure names each with its replica counts, conditions and
recent events (rollout.report), in the same process.

Objects of an earlier version carry no mark. They are recognised once, by
what that version left on them: an applied object by a server-side apply
entry of the caller's field manager in its managedFields; the Secret and a
StatefulSet's volume claims, which are created rather than applied, by every
label of their definition. An apply marks them; a legacy Secret gets the mark
by a labels-only apply. The volume claims never carry the mark (Kubernetes
refuses any change to a StatefulSet's volumeClaimTemplates, so a mark there
would stop every existing deployment from updating): they stay recognised by
their name and the template's labels.
"""

from __future__ import annotations

import base64
import copy
import functools
import re
import secrets
import string

from ansible_collections.sre.minikube.plugins.module_utils import rollout
from ansible_collections.sre.minikube.plugins.module_utils.inputs import DNS_LABEL, RULES
from ansible_collections.sre.minikube.plugins.module_utils.inputs import problems as input_problems
from ansible_collections.sre.minikube.plugins.module_utils.kube_client import (
    CONNECTION_ARGUMENT_SPEC,
    connection_checks,
)

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.runner import perform_action
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.service import (
        K8sService,
        diff_objects,
        hide_fields,
    )
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.waiter import get_waiter
except ImportError as error:  # the module and its action report it before a Deployer is made
    IMPORT_ERROR = error
    K8sService = diff_objects = hide_fields = perform_action = get_waiter = None
else:
    IMPORT_ERROR = None

# The generated values: letters and digits, safe inside a URL.
PASSWORD_CHARACTERS = string.ascii_letters + string.digits
# Bookkeeping of the API server, left out of the returned objects and diffs.
DEFAULT_HIDDEN_FIELDS = ["metadata.managedFields"]
# Shown in place of each generated value in a diff.
NOT_SHOWN = "(generated, not shown)"
# A namespace name (a DNS-1123 label).
NAMESPACE_NAME = RULES["dns_label"].pattern
# Objects every namespace gets from the control plane.
NAMESPACE_DEFAULTS = {("ServiceAccount", "default"), ("ConfigMap", "kube-root-ca.crt")}
# Kinds that are records or views of other objects, not objects of their own.
DERIVED_KINDS = {"Event"}
DERIVED_GROUPS = {"events.k8s.io", "metrics.k8s.io"}
# At most this many foreign objects are named in a message.
NAMED_AT_MOST = 10


# The module's options (sre.minikube.k8s_deploy); its action plugin checks them the same way when it runs the
# module's work on the controller.
ARGUMENT_SPEC = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "ownership": {
        "type": "dict",
        "required": True,
        "options": {
            "namespaces": {"type": "list", "elements": "str", "required": True, "aliases": ["namespace"]},
            "label": {"type": "str", "required": True},
            "value": {"type": "str", "required": True},
            "adopt_namespace": {"type": "bool", "default": False},
            "hint": {"type": "str", "default": ""},
        },
    },
    "delete_data": {"type": "bool", "default": False},
    "wait": {"type": "bool", "default": False},
    "wait_timeout": {"type": "int", "default": 300},
    "wait_hint": {"type": "str", "default": ""},
    **CONNECTION_ARGUMENT_SPEC,
    "definitions": {"type": "list", "elements": "dict", "required": True},
    "retired": {"type": "list", "elements": "dict", "default": []},
    "server_side_apply": {
        "type": "dict",
        "required": True,
        "options": {
            "field_manager": {"type": "str", "required": True},
            "force_conflicts": {"type": "bool", "default": False},
        },
    },
    "secret": {
        "type": "dict",
        # It names the Secret and its keys; the values never pass through the arguments.
        "no_log": False,
        "options": {
            "definition": {"type": "dict", "required": True},
            "keys": {"type": "list", "elements": "str", "required": True, "no_log": False},
            "length": {"type": "int", "default": 40},
            "hint": {"type": "str", "default": ""},
            "copies": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "definition": {"type": "dict", "required": True},
                    "keys": {"type": "list", "elements": "str", "required": True, "no_log": False},
                },
            },
        },
    },
    "hidden_fields": {"type": "list", "elements": "str", "default": ["metadata.managedFields"]},
}


def argument_problems(params):
    """What is wrong with the (type-checked) options that their types cannot say, as messages."""
    secret = params["secret"]
    found = input_problems(
        connection_checks(params)
        + [
            {"name": "server_side_apply.field_manager", "value": params["server_side_apply"]["field_manager"],
             "rule": "word"},
            {"name": "secret.keys", "value": secret["keys"] if secret else [], "rule": "config_key", "elements": True},
        ]
    )  # fmt: skip
    for index, copied in enumerate(secret["copies"] if secret else []):
        extra = [key for key in copied["keys"] if key not in secret["keys"]]
        if extra:
            found.append(
                f"secret.copies[{index}].keys: {', '.join(extra)} not in secret.keys; a copy holds keys of the Secret"
                " only."
            )
    if secret and not 16 <= secret["length"] <= 256:
        found.append(f"secret.length={secret['length']}: give 16 to 256 characters per generated value.")
    if params["wait_timeout"] < 1:
        found.append(f"wait_timeout={params['wait_timeout']}: give at least 1 second.")
    return found


def service(api, module):
    """kubernetes.core's K8sService over the client API; module gives the options, check_mode and warn()."""
    return K8sService(api, module)


def execute(svc, params, check_mode, diff, warn):
    """The module's work on checked options: the result; DeployError when it fails.

    svc is a kubernetes.core K8sService whose module gives these params, check_mode and warn.
    """
    deployer = Deployer(
        svc, perform_action, check_mode=check_mode, diff=diff, hidden_fields=params["hidden_fields"],
        get_waiter=get_waiter,
    )  # fmt: skip
    field_manager = params["server_side_apply"]["field_manager"]
    if params["state"] == "absent":
        result = deployer.remove(
            params["definitions"],
            field_manager,
            params["secret"],
            params["ownership"],
            delete_data=params["delete_data"],
            timeout=params["wait_timeout"],
            retired=params["retired"],
        )
        for kept in result["kept"]:
            if kept["foreign"]:
                warn(f"Kept {kept['object']}: {kept['reason']}.")
        return result
    return deployer.run(
        params["definitions"],
        field_manager,
        params["server_side_apply"]["force_conflicts"],
        params["secret"],
        params["ownership"],
        wait={"timeout": params["wait_timeout"], "hint": params["wait_hint"]} if params["wait"] else None,
        retired=params["retired"],
        timeout=params["wait_timeout"],
    )


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


def check_definitions(definitions, option="definitions"):
    """Refuse, before any request, an object that has no kind, apiVersion or name."""
    for index, definition in enumerate(definitions):
        metadata = definition.get("metadata") if isinstance(definition, dict) else None
        if not (isinstance(metadata, dict) and definition.get("kind") and definition.get("apiVersion")):
            raise DeployError(f"{option}[{index}] is not a Kubernetes object: it needs apiVersion, kind and metadata.")
        if not metadata.get("name"):
            raise DeployError(f"{option}[{index}] ({definition['kind']}) has no metadata.name.")


def missing_keys(secret_object, keys):
    data = (secret_object or {}).get("data") or {}
    return [key for key in keys if key not in data]


# -- ownership: pure judgements on objects as the API server holds them
LABEL_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
LABEL_KEY = re.compile(rf"({DNS_LABEL}(\.{DNS_LABEL})*/)?" + LABEL_NAME)
LABEL_VALUE = re.compile(LABEL_NAME)


def system_namespace(name):
    """default and kube-* belong to the cluster (kube-system, kube-public, kube-node-lease)."""
    return name == "default" or name.startswith("kube-")


def ownership_problems(ownership):
    """What is wrong with the ownership option, as messages naming the sub-option and the rule."""
    problems = []
    namespaces = ownership.get("namespaces")
    if not namespaces:
        problems.append("ownership.namespaces is empty: give the namespaces the objects live in.")
    for namespace in namespaces or []:
        if not isinstance(namespace, str) or not NAMESPACE_NAME.fullmatch(namespace):
            problems.append(
                f"ownership.namespaces: {namespace!r} is not a namespace name: give at most 63 lower-case letters,"
                " digits and '-', starting and ending with a letter or digit."
            )
        elif system_namespace(namespace):
            problems.append(
                f"ownership.namespaces: {namespace!r} is a system namespace (default and kube-* belong to the"
                " cluster): nothing is deployed to, labelled in or deleted from one. Give a namespace of the"
                " services' own."
            )
    for namespace in sorted({n for n in namespaces or [] if namespaces.count(n) > 1}):
        problems.append(f"ownership.namespaces names {namespace} more than once.")
    label, value = ownership.get("label"), ownership.get("value")
    if not isinstance(label, str) or len(label) > 317 or not LABEL_KEY.fullmatch(label):
        problems.append(
            f"ownership.label={label!r} is not a label key: give [prefix/]name, the prefix a lower-case DNS name,"
            " the name at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit."
        )
    if not isinstance(value, str) or not LABEL_VALUE.fullmatch(value):
        problems.append(
            f"ownership.value={value!r} is not a label value: give 1 to 63 letters, digits, '-', '_' or '.',"
            " starting and ending with a letter or digit."
        )
    return problems


def labels_of(obj):
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


class Owner:
    """Who the objects belong to: the mark (a label and its value) and the field manager of the applies.

    judge() says what an object read from the API server is to the owner:
    MISSING, MARKED, EARLIER (made by an earlier version, before the mark)
    or FOREIGN.
    """

    MISSING, MARKED, EARLIER, FOREIGN = "missing", "marked", "earlier", "foreign"

    def __init__(self, label, value, field_manager):
        self.label, self.value, self.field_manager = label, value, field_manager

    @property
    def mark(self):
        return f"{self.label}={self.value}"

    def marks(self, obj):
        return labels_of(obj).get(self.label) == self.value

    def applied_before(self, obj):
        """A server-side apply of the owner's field manager: what an earlier version left on what it applied."""
        entries = ((obj or {}).get("metadata") or {}).get("managedFields") or []
        return any(e.get("manager") == self.field_manager and e.get("operation") == "Apply" for e in entries)

    def created_before(self, obj, definition):
        """Every label the definition gives (the mark aside): how an earlier version's created objects look."""
        wanted = {key: value for key, value in labels_of(definition).items() if key != self.label}
        held = labels_of(obj)
        return bool(wanted) and all(held.get(key) == value for key, value in wanted.items())

    def judge(self, obj, created_from=None):
        """created_from: the definition an object is created from (the Secret, a volume claim), not applied."""
        if not obj:
            return self.MISSING
        if self.marks(obj):
            return self.MARKED
        if self.applied_before(obj) or (created_from is not None and self.created_before(obj, created_from)):
            return self.EARLIER
        return self.FOREIGN


def check_ownership(definitions, owner, namespaces):
    """Refuse, before any request, an object without the mark or outside the namespaces."""
    listed = ", ".join(namespaces)
    for index, definition in enumerate(definitions):
        metadata = definition["metadata"]
        if definition["kind"] == "Namespace":
            if metadata["name"] not in namespaces:
                raise DeployError(
                    f"definitions[{index}] is Namespace {metadata['name']}, not one of ownership.namespaces"
                    f" ({listed}): the module manages those namespaces only."
                )
        elif metadata.get("namespace") not in namespaces:
            raise DeployError(
                f"definitions[{index}] ({where(definition)}) is not in one of ownership.namespaces ({listed}): give"
                " every object metadata.namespace, one of the namespaces the module manages."
            )
        if not owner.marks(definition):
            raise DeployError(
                f"definitions[{index}] ({where(definition)}) does not carry the label {owner.mark}: every object"
                " applied carries it, so that state=absent can tell what is the deployer's."
            )


def claims_of(definitions):
    """The volume claims the StatefulSets of definitions make: name -> the claim template they come from."""
    claims = {}
    for definition in definitions:
        if definition["kind"] != "StatefulSet":
            continue
        spec = definition.get("spec") or {}
        replicas = spec.get("replicas", 1)
        for template in spec.get("volumeClaimTemplates") or []:
            for ordinal in range(replicas if isinstance(replicas, int) else 1):
                name = f"{template['metadata']['name']}-{definition['metadata']['name']}-{ordinal}"
                claims[name] = {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {
                        "name": name,
                        "namespace": definition["metadata"]["namespace"],
                        "labels": labels_of(template),
                    },
                }
    return claims


def foreign_objects(objects, owner, created=None):
    """The objects of a namespace's listing that are not the owner's: what deleting the namespace would destroy.

    created: (kind, namespace, name) -> definition of what the owner creates
    rather than applies (the Secret and its copies, the volume claims). Left
    out as not objects of their
    own: what the control plane gives every namespace, events, and what has
    an owner reference or is the Endpoints of a Service (judged by that
    owner or Service, which the listing holds too).
    """
    created = created or {}
    services = {o["metadata"]["name"] for o in objects if o.get("kind") == "Service"}
    foreign = []
    for obj in objects:
        kind, metadata = obj.get("kind"), obj.get("metadata") or {}
        name = metadata.get("name")
        if kind in DERIVED_KINDS or (kind, name) in NAMESPACE_DEFAULTS or metadata.get("ownerReferences"):
            continue
        if kind == "Endpoints" and name in services:
            continue
        if owner.judge(obj, created.get(key_of(obj))) == Owner.FOREIGN:
            foreign.append(obj)
    return foreign


def named(objects):
    """Up to NAMED_AT_MOST objects as 'Kind namespace/name', and how many more."""
    names = [where(obj) for obj in objects[:NAMED_AT_MOST]]
    more = len(objects) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


def visible(obj):
    """An object as a result or diff may show it: no managedFields, a Secret's values hidden."""
    shown = copy.deepcopy(obj)
    (shown.get("metadata") or {}).pop("managedFields", None)
    if shown.get("kind") == "Secret":
        shown["data"] = dict.fromkeys(sorted((shown.get("data") or {}).keys()), NOT_SHOWN)
        shown.pop("stringData", None)
    return shown


def secret_key(definition):
    """key_of() a Secret's definition, whose kind may be left out."""
    return "Secret", definition["metadata"].get("namespace"), definition["metadata"]["name"]


def namespace_index(definitions, definition):
    """The index of the Namespace definition DEFINITION lives in; -1 when definitions hold none."""
    namespace = (definition.get("metadata") or {}).get("namespace")
    return next(
        (
            index
            for index, listed in enumerate(definitions)
            if listed["kind"] == "Namespace" and listed["metadata"]["name"] == namespace
        ),
        -1,
    )


def without_values(secret):
    """A Secret as the API server answered its creation, without its values: its metadata (no managedFields)
    and the names of its keys."""
    kept = {key: value for key, value in secret.items() if key not in ("data", "stringData")}
    kept["data"] = dict.fromkeys(sorted((secret.get("data") or {}).keys()), NOT_SHOWN)
    kept["metadata"] = {key: value for key, value in (secret.get("metadata") or {}).items() if key != "managedFields"}
    return kept


def key_of(obj):
    metadata = obj.get("metadata") or {}
    return obj.get("kind"), metadata.get("namespace"), metadata.get("name")


def status_of(error):
    return getattr(error, "status", None)


class Deployer:
    """One deploy: the Secret check or creation and the apply of every definition, in order.

    svc is a kubernetes.core K8sService (its module's params hold server_side_apply);
    perform_action is kubernetes.core's runner.perform_action (or a test's stand-in).
    """

    def __init__(
        self,
        svc,
        perform_action,
        check_mode=False,
        diff=False,
        hidden_fields=None,
        password=None,
        get_waiter=None,
        clock=None,
        pause=None,
    ):
        self.svc = svc
        # How a rollout wait tells and passes time (a test's stand-ins, or the real ones).
        self.clock, self.pause = clock, pause
        self.perform_action = perform_action
        # kubernetes.core's waiter.get_waiter, to wait until a deleted object is gone.
        self.get_waiter = get_waiter
        self.check_mode = check_mode
        self.diff = diff
        self.hidden_fields = DEFAULT_HIDDEN_FIELDS if hidden_fields is None else hidden_fields
        self.password = password or generate_password
        self.objects = []
        self.diffs = []
        # The objects read this run, as the API server held them (None: missing), by (kind, namespace, name).
        self.known = {}
        self.changed = False
        # Namespaces this run creates; in check mode their objects cannot be dry-run.
        self.new_namespaces = set()
        # With state=absent: what was deleted, and what was kept and why.
        self.deleted = []
        self.kept = []
        # With a wait: the workloads that had not rolled out when it ended.
        self.pending = []
        # The Secret's values (base64, as the API server holds them) once read or made: what its copies get.
        # Never returned.
        self.secret_data = None
        # The Secret's copies, by key_of() (prepare()).
        self.copies = {}

    def result(self, **extra):
        result = {
            "changed": self.changed,
            "objects": self.objects,
            "deleted": self.deleted,
            "kept": self.kept,
            "pending": self.pending,
            **extra,
        }
        if self.diff:
            result["diff"] = self.diffs
        return result

    def fail(self, msg):
        raise DeployError(msg, self.result())

    # -- reading
    def read(self, definition):
        """The object definition names, as the API server holds it (a dict), or None."""
        try:
            resource = self.svc.find_resource(definition["kind"], definition["apiVersion"], fail=True)
            existing = self.svc.retrieve(resource, definition)
        except Exception as error:  # kubernetes.core's CoreException
            self.fail(f"reading {where(definition)} failed: {error}")
        found = existing.to_dict() if existing else None
        self.known[key_of(definition)] = found
        return found

    def namespace_contents(self, namespace):
        """Every object of the namespace, of every kind that can be listed; and the kinds that could not be."""
        objects, unreadable = [], []
        try:
            resources = self.svc.client.resources.search()
        except Exception as error:  # discovery: an aggregated API that does not answer
            return objects, [f"the kinds the API server serves: {error}"]
        for resource in resources:
            # A ResourceList (the client's view of each kind's list) answers for its kind: the kind itself is listed.
            if type(resource).__name__ == "ResourceList":
                continue
            if not (getattr(resource, "namespaced", False) and getattr(resource, "preferred", False)):
                continue
            if (
                "list" not in (resource.verbs or [])
                or resource.kind in DERIVED_KINDS
                or resource.group in DERIVED_GROUPS
            ):
                continue
            try:
                listing = self.svc.client.get(resource, namespace=namespace).to_dict()
            except Exception as error:  # the client's ApiException family
                unreadable.append(f"{resource.kind} ({status_of(error) or error})")
                continue
            for item in listing.get("items") or []:
                item.setdefault("kind", resource.kind)
                item.setdefault("apiVersion", resource.group_version)
                objects.append(item)
        return objects, unreadable

    # -- ownership
    def claim_namespace(self, owner, ownership, namespace, created):
        """Judge a namespace before anything is written: refuse one that is someone else's."""
        existing = self.read({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        judgement = owner.judge(existing)
        if judgement != Owner.FOREIGN:
            return judgement
        what = "it may be someone else's"
        if ownership["adopt_namespace"]:
            contents, unreadable = self.namespace_contents(namespace)
            foreign = foreign_objects(contents, owner, created)
            if not foreign and not unreadable:
                return judgement
            if foreign:
                what = f"it holds {named(foreign)}, so it is not adopted"
            else:
                what = f"what it holds could not all be listed ({'; '.join(unreadable)}), so it is not adopted"
        hint = ownership["hint"] or (
            "Give a namespace that does not exist yet, or, to take over an empty one, set ownership.adopt_namespace."
        )
        self.fail(
            f"Namespace {namespace} exists and was not created by this deployer (it has no label {owner.mark});"
            f" {what}. Nothing was applied or relabelled. {hint}"
        )

    def refuse_foreign(self, definitions, owner):
        """Refuse, before anything is written, an object of the list that exists without the owner's mark."""
        foreign = []
        for definition in definitions:
            if definition["kind"] != "Namespace":
                existing = self.read(definition)
                if owner.judge(existing) == Owner.FOREIGN:
                    foreign.append(existing)
        if foreign:
            self.fail(
                f"{named(foreign)} already exist{'s' if len(foreign) == 1 else ''} without the label {owner.mark}:"
                " the deployer did not make them and does not take them over. Nothing was applied. Delete or rename"
                " them if they may go, or deploy to another namespace."
            )

    def mark(self, existing, field_manager, force_conflicts):
        """Give an object of an earlier version the mark (a server-side apply of that label alone)."""
        self.changed = True
        body = {
            "apiVersion": existing["apiVersion"],
            "kind": existing["kind"],
            "metadata": {
                "name": existing["metadata"]["name"],
                "namespace": existing["metadata"].get("namespace"),
                "labels": {self.owner.label: self.owner.value},
            },
        }
        if self.diff:
            after = copy.deepcopy(existing)
            after["metadata"].setdefault("labels", {})[self.owner.label] = self.owner.value
            self.diffs.append({"before": visible(existing), "after": visible(after), "before_header": where(existing)})
        if self.check_mode:
            return
        try:
            resource = self.svc.find_resource(existing["kind"], existing["apiVersion"], fail=True)
            # The answer holds the Secret's values: it is not kept.
            self.svc.client.apply(
                resource,
                body,
                body["metadata"]["namespace"],
                server_side=True,
                field_manager=field_manager,
                force_conflicts=force_conflicts,
            )
        except Exception as error:  # kubernetes.core's CoreException, or the client's
            self.fail(f"labelling {where(existing)} {self.owner.mark} failed: {error}")

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
        # What the copies get: the values as the API server holds them (base64), in this process only.
        self.secret_data = {
            key: base64.b64encode(value.encode("ascii")).decode("ascii")
            for key, value in definition["stringData"].items()
        }
        resource = self.svc.find_resource("Secret", definition.get("apiVersion", "v1"), fail=True)
        try:
            created, _warnings = self.svc.create(resource, definition)
        except Exception as error:  # kubernetes.core's CoreException, or the client's
            self.fail(f"creating {where(definition)} failed: {error}")
        self.objects.append(without_values(created))

    def read_copy(self, copied):
        """A copy as the API server holds it (None: missing); refused, before anything is written, when it is
        someone else's."""
        definition = copied["definition"]
        existing = self.read_secret(definition)
        if self.owner.judge(existing, definition) == Owner.FOREIGN:
            self.fail(
                f"{where(definition)} exists without the label {self.owner.mark} and is not one this deployer"
                " creates: it is not overwritten. Nothing was applied. Delete or rename it if it may go."
            )
        return existing

    def write_copy(self, copied, existing):
        """Create the copy, or replace one that does not hold exactly its keys with the Secret's values (or lacks
        a label of its definition); nothing when it does."""
        definition = copy.deepcopy(copied["definition"])
        definition.pop("stringData", None)
        data = self.secret_data
        wanted = None if data is None else {key: data[key] for key in copied["keys"]}
        if existing is not None and wanted is not None:
            labels = labels_of(existing)
            if (existing.get("data") or {}) == wanted and all(
                labels.get(key) == value for key, value in labels_of(definition).items()
            ):
                return
        self.changed = True
        shown = dict(definition, data=dict.fromkeys(copied["keys"], NOT_SHOWN))
        if self.diff:
            entry = {"before": visible(existing) if existing else {}, "after": shown, "after_header": where(definition)}
            self.diffs.append(entry)
        if self.check_mode:
            self.objects.append(shown)
            return
        definition["data"] = wanted
        resource = self.svc.find_resource("Secret", definition.get("apiVersion", "v1"), fail=True)
        try:
            if existing is None:
                written, _warnings = self.svc.create(resource, definition)
            else:
                definition["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
                written, _warnings = self.svc.replace(resource, definition, existing)
        except Exception as error:  # kubernetes.core's CoreException, or the client's
            self.fail(f"writing {where(definition)} failed: {error}")
        self.objects.append(without_values(written))

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
            if self.check_mode or key_of(definition) not in self.known:
                outcome = self.perform_action(self.svc, definition, params)
            else:
                outcome = self.apply_known(definition, self.known[key_of(definition)])
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

    def apply_known(self, definition, existing):
        """perform_action's apply of an object already read (existing: a dict, or None when it is missing), without
        reading it again: the same request, and changed judged the same way, against that read."""
        resource = self.svc.find_resource(definition["kind"], definition["apiVersion"], fail=True)
        definition["kind"], definition["apiVersion"] = resource.kind, resource.group_version
        instance, _warnings = self.svc.apply(resource, definition)
        match, diff = diff_objects(existing or {}, instance, self.hidden_fields)
        return {"changed": not match, "result": hide_fields(instance, self.hidden_fields), "diff": diff}

    def prepare(self, definitions, field_manager, secret, ownership, retired=()):
        """The checks of both states that need no request; the objects created rather than applied, by key_of()
        (the Secret's copies among them, also in self.copies)."""
        check_definitions(definitions)
        check_definitions(retired, "retired")
        problems = ownership_problems(ownership)
        if problems:
            raise DeployError(" ".join(problems))
        self.owner = Owner(ownership["label"], ownership["value"], field_manager)
        copies = (secret.get("copies") or []) if secret else []
        listed = (
            definitions + list(retired) + ([secret["definition"]] if secret else []) + [c["definition"] for c in copies]
        )
        check_ownership(listed, self.owner, ownership["namespaces"])
        created = {key_of(claim): claim for claim in claims_of(definitions).values()}
        self.copies = {}
        for copied in copies:
            self.copies[secret_key(copied["definition"])] = copied
        if secret:
            created[secret_key(secret["definition"])] = secret["definition"]
        created.update({key: copied["definition"] for key, copied in self.copies.items()})
        return created

    def run(
        self,
        definitions,
        field_manager,
        force_conflicts=False,
        secret=None,
        ownership=None,
        wait=None,
        retired=(),
        timeout=300,
    ):
        """Check the ownership, check or create the Secret, apply the definitions in order (the Secret and its
        copies right after their Namespaces), delete the retired objects that are the owner's (each waited for up to
        timeout seconds) and, with wait (a dict of timeout and hint), wait for the workloads to roll out; the
        module's result."""
        created = self.prepare(definitions, field_manager, secret, ownership, retired)
        existing_namespaces = [
            namespace
            for namespace in ownership["namespaces"]
            if self.claim_namespace(self.owner, ownership, namespace, created) != Owner.MISSING
        ]
        objects = [d for d in definitions if d["kind"] != "Namespace"]
        self.refuse_foreign([d for d in objects if d["metadata"]["namespace"] in existing_namespaces], self.owner)
        # Nothing can exist in a namespace that does not.
        self.known.update(
            dict.fromkeys((key_of(d) for d in objects if d["metadata"]["namespace"] not in existing_namespaces), None)
        )
        copies = {
            key: (copied, self.read_copy(copied) if key[1] in existing_namespaces else None)
            for key, copied in self.copies.items()
        }
        # What is written after the definition of each index (-1: before the first): the Secret and its copies.
        after = {}
        secret_at = -1
        if secret:
            existing = self.read_secret(secret["definition"])
            judgement = self.owner.judge(existing, secret["definition"])
            if judgement == Owner.FOREIGN:
                self.fail(
                    f"{where(secret['definition'])} exists without the label {self.owner.mark} and is not the one"
                    " this deployer creates: its values are not used. Nothing was applied. Delete or rename it if"
                    " it may go."
                )
            if existing is not None:
                missing = missing_keys(existing, secret["keys"])
                if missing:
                    why = secret.get("hint") or (
                        "its values were given out when it was created, so new ones are not generated."
                        " Put the missing keys back, or delete the Secret with what was initialised from it."
                    )
                    self.fail(f"{where(secret['definition'])} has no {', '.join(missing)}: {why}")
                self.secret_data = {key: existing["data"][key] for key in secret["keys"]}
                if judgement == Owner.EARLIER:
                    self.mark(existing, field_manager, force_conflicts)
            else:
                secret_at = namespace_index(definitions, secret["definition"])
                after.setdefault(secret_at, []).append(functools.partial(self.create_secret, secret))
        for copied, existing in copies.values():
            index = max(namespace_index(definitions, copied["definition"]), secret_at)
            after.setdefault(index, []).append(functools.partial(self.write_copy, copied, existing))
        for write in after.get(-1, []):
            write()
        for index, definition in enumerate(definitions):
            self.apply(definition, field_manager, force_conflicts)
            for write in after.get(index, []):
                write()
        # What an earlier layout applied and this one does not: nothing can exist in a namespace just created.
        for existing in self.judged(
            [d for d in reversed(retired) if d["metadata"]["namespace"] in existing_namespaces]
        ):
            self.delete(existing, timeout)
        if wait and not self.check_mode:
            self.wait_rolled_out(wait["timeout"], wait.get("hint") or "")
        return self.result()

    # -- the rollout
    def wait_rolled_out(self, timeout, hint=""):
        """Wait for the workloads applied to roll out, in the order applied, up to timeout seconds each; fail with
        the report of those that do not. Those the apply's answer shows rolled out are not read again."""
        applied = {(obj.get("kind"), (obj.get("metadata") or {}).get("namespace"),
                    (obj.get("metadata") or {}).get("name")): obj for obj in self.objects}  # fmt: skip
        workloads = [key for key in applied if key[0] in rollout.WORKLOAD_KINDS]
        latest = {}

        def read(kind, namespace, name):
            if (kind, namespace, name) not in latest:
                latest[(kind, namespace, name)] = applied[(kind, namespace, name)]
            else:
                latest[(kind, namespace, name)] = self.read(
                    {"apiVersion": rollout.WORKLOAD_KINDS[kind], "kind": kind,
                     "metadata": {"name": name, "namespace": namespace}}
                )  # fmt: skip
            return latest[(kind, namespace, name)]

        # Each in turn, Postgres first (the services are Ready only once it answers), with a timeout of its own;
        # one that was still short is read once more at the end, as it went on rolling out meanwhile.
        short = [
            target
            for workload in workloads
            for target in rollout.wait(read, [workload], timeout, clock=self.clock, pause=self.pause)
        ]
        if short:
            short = rollout.wait(read, short, 0)
        self.pending = [f"{kind} {namespace}/{name}" for kind, namespace, name in short]
        if not self.pending:
            return
        lines, events = [], {}
        for kind, namespace, name in workloads:
            if f"{kind} {namespace}/{name}" in self.pending:
                if namespace not in events:
                    events[namespace] = self.events(namespace)
                lines += rollout.report(kind, namespace, name, latest.get((kind, namespace, name)),
                                        events[namespace], timeout)  # fmt: skip
        self.fail("\n".join(lines + ([hint] if hint else [])))

    def events(self, namespace):
        """The namespace's events (empty when they cannot be read: the report goes on without them)."""
        try:
            resource = self.svc.find_resource("Event", "v1", fail=True)
            return self.svc.client.get(resource, namespace=namespace).to_dict().get("items") or []
        except Exception:  # the client's ApiException family, kubernetes.core's CoreException
            return []

    # -- state=absent
    def delete(self, existing, timeout):
        """Delete the object that was judged (a precondition on its uid) and wait until it is gone."""
        self.changed = True
        self.deleted.append(where(existing))
        if self.diff:
            self.diffs.append({"before": visible(existing), "after": {}, "before_header": where(existing)})
        if self.check_mode:
            return
        metadata = existing["metadata"]
        try:
            resource = self.svc.find_resource(existing["kind"], existing["apiVersion"], fail=True)
            self.svc.client.delete(
                resource,
                name=metadata["name"],
                namespace=metadata.get("namespace"),
                body={"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": {"uid": metadata["uid"]}},
            )
        except Exception as error:  # the client's ApiException family, kubernetes.core's CoreException
            if status_of(error) != 404:  # already gone
                self.fail(f"deleting {where(existing)} failed: {error}")
        gone, _instance, _elapsed = self.get_waiter(self.svc.client, resource, state="absent").wait(
            timeout=timeout, sleep=1, name=metadata["name"], namespace=metadata.get("namespace")
        )
        if not gone:
            self.fail(f"{where(existing)} was not gone after {timeout} s")

    def judged(self, definitions):
        """The objects of definitions that exist and are the owner's, read now; those that exist without the mark
        are kept, and named."""
        found = []
        for definition in definitions:
            existing = self.read(definition)
            judgement = self.owner.judge(existing)
            if judgement == Owner.FOREIGN:
                self.keep(existing, f"it has no label {self.owner.mark}: the deployer did not make it")
            elif judgement != Owner.MISSING:
                found.append(existing)
        return found

    def keep(self, existing, reason, foreign=True):
        self.kept.append({"object": where(existing), "reason": reason, "foreign": foreign})

    def remove(
        self, definitions, field_manager, secret=None, ownership=None, delete_data=False, timeout=300, retired=()
    ):
        """Delete the owner's objects of retired and of definitions, last applied first, and the Secret's copies,
        then each namespace that holds nothing else; with delete_data also the Secret and the volume claims, and the
        namespaces they are in. Every judgement is made before the first deletion."""
        created = self.prepare(definitions, field_manager, secret, ownership, retired)
        owner = self.owner
        namespaces = {
            namespace: self.read({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
            for namespace in ownership["namespaces"]
        }
        present = [namespace for namespace in ownership["namespaces"] if namespaces[namespace] is not None]
        doomed = self.judged(
            [
                definition
                for definition in reversed(definitions + list(retired))
                if definition["kind"] != "Namespace" and definition["metadata"]["namespace"] in present
            ]
        )
        # The data (the Secret, the volume claims) and the namespaces it is in, whether it is there or not.
        data, data_namespaces = [], set()
        for key, definition in created.items():
            if key not in self.copies:
                data_namespaces.add(key[1])
            if key[1] not in present:
                continue
            existing = self.read(definition)
            judgement = owner.judge(existing, definition)
            if judgement == Owner.FOREIGN:
                self.keep(existing, f"it has no label {owner.mark} and not the labels the deployer gives it")
            elif judgement != Owner.MISSING:
                # A copy goes with the objects: the next deploy copies it again.
                (doomed if key in self.copies else data).append(existing)
        if not delete_data:
            for existing in data:
                self.keep(existing, "it holds the data (delete_data is false)", foreign=False)
        gone = []
        for namespace in reversed(present):
            namespace_object = namespaces[namespace]
            if namespace in data_namespaces and not delete_data:
                self.keep(namespace_object, "it holds the data (delete_data is false)", foreign=False)
                continue
            why = None
            if owner.judge(namespace_object) == Owner.FOREIGN:
                why = f"the deployer did not create it (it has no label {owner.mark})"
            else:
                contents, unreadable = self.namespace_contents(namespace)
                foreign = foreign_objects(contents, owner, created)
                if foreign:
                    why = f"it holds {named(foreign)}, which the deployer did not make"
                elif unreadable:
                    why = f"what it holds could not all be listed ({'; '.join(unreadable)})"
            if why:
                self.keep(namespace_object, why)
            else:
                gone.append(namespace)
        if delete_data:
            # The data of a namespace that goes goes with it.
            doomed += [existing for existing in data if existing["metadata"]["namespace"] not in gone]
        doomed += [namespaces[namespace] for namespace in gone]
        for existing in doomed:
            self.delete(existing, timeout)
        return self.result()
