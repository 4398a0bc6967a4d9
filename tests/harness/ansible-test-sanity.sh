#!/usr/bin/env bash
# Runs `ansible-test sanity` on the collection on machines that cannot reach
# the host ansible-test downloads its pip bootstrap script from.
#
# ansible-test looks for a cached bootstrap script before downloading one.
# A script that bootstraps pip from the standard library's ensurepip does the
# same job: ansible-test then installs its pinned pip and the sanity tests'
# requirements from PyPI into its own virtual environments.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
collection="$top/collection/ansible_collections/sre/minikube"
python=${PYTHON_VERSION:-3.11}
# ANSIBLE_TEST names the ansible-test to run (make matrix: that of each
# ansible-core release's environment); its environment's Python tells which
# pip version it bootstraps. By default, the one on PATH.
ansible_test=$(command -v "${ANSIBLE_TEST:-ansible-test}") || { echo "ansible-test not found: ${ANSIBLE_TEST:-ansible-test}" >&2; exit 1; }
controller_python="$(dirname "$ansible_test")/python"

ansible_test_dir=$("$controller_python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
pip_version=$(grep -oE "pip='[0-9.]+'" "$ansible_test_dir/_internal/python_requirements.py" | head -n 1 | tr -dc '0-9.')
[ -n "$pip_version" ] || { echo "cannot find the pip version ansible-test bootstraps" >&2; exit 1; }
# ansible-test keeps its virtual environments and that cache under
# ~/.ansible/test, whatever ANSIBLE_HOME says: it runs with a home of its own
# in the tests' cache, so nothing lands in the user's ~/.ansible (where the
# stub would be trusted by every other project's ansible-test). git keeps
# the user's configuration.
test_home="${SRE_MINIKUBE_CACHE:-$HOME/.cache/sre-minikube}/ansible-test-home"
export GIT_CONFIG_GLOBAL="${GIT_CONFIG_GLOBAL:-$HOME/.gitconfig}"
export HOME="$test_home"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  printf '%s\n' 'import ensurepip' 'ensurepip.bootstrap(upgrade=True)' >"$cache"
fi

cd "$collection"
# Sanity tests that need a network service beyond PyPI, or that inspect
# files ansible-test does not ship here, are skipped by name so a skip is
# visible in the log; every other test runs.
exec "$ansible_test" sanity --venv --python "$python" --requirements --color no "$@"
