"""TEST DOUBLE of the minikube CLI. Test code only: never shipped.

It stands in for minikube where a real cluster is too slow or cannot
start. It reproduces the command-line contract the project's roles rely
on: the cases in tests/minikube_contract, whose expected answers are
recordings of the real minikube built from source
(tests/minikube_contract/recordings): the same subcommands and flags, the
same JSON shapes, exit codes and stdout/stderr split. Behind it run real
things wherever they can run here:

* ``start`` brings up a real Kubernetes control plane (tests/harness/cluster.sh:
  kube-apiserver and friends with kwok-simulated nodes) and writes a
  kubeconfig context named after the profile, as minikube does;
* ``addons enable ingress`` applies through that API server what the real
  addon leaves behind (the ingress-nginx namespace, the nginx IngressClass,
  the controller Deployment with the real labels);
* ``image build`` runs ``docker build`` on the local Docker engine.

The package, by concern:

cli         the command line: the global -p/--profile, the command table, main()
output      what minikube prints: '* ' lines, CloudEvents, 'Exiting due to', exit codes
context     one invocation: the state, the profile, its live status
state       the state directory: profiles on disk, commands.log, the lock
harness     the control plane behind a profile (tests/harness/cluster.sh)
kubeconfig  the user's kubeconfig: contexts merged, removed, checked
version     ``version``; the version reported (recorded, or stamped into a release copy)
start       ``start`` and the checks minikube makes before it
cluster     ``stop``, ``delete``, ``status``, ``profile list``, ``ip``, ``kubectl``, ``update-context``
addons      ``addons list/enable/disable`` and the objects each addon leaves
images      ``image build/ls/rm`` on the local Docker engine
seed        ``double-seed``, the double's own command: a profile with no control plane
recordings  the facts read from the real binary's recordings

tests/doubles/bin/minikube runs it from the checkout;
tests/doubles/build_double.py packs it as one executable file (a Python
zip application) for a test container or the release mirror.

docs/minikube-double.md describes the commands, the knobs
(MINIKUBE_DOUBLE_* environment variables) and what differs from the real
binary.
"""
