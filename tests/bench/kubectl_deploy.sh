#!/usr/bin/env bash
# The deploy stage done the way a hand-written script does it: the
# baseline `make bench` times a no-op `ansible-playbook site.yml --tags
# deploy` against.
#
#   kubectl_deploy.sh MINIKUBE PROFILE FIELD_MANAGER MANIFEST_DIR
#
# MANIFEST_DIR holds the manifests the app_deploy role rendered
# (tests/bench/render.yml), one file per object, named NN-kind-name.yaml.
# The script checks that the cluster runs and that each service's image is
# in it, applies the directory with one server-side apply under the role's
# field manager (so the objects and their field ownership stay exactly as
# the role leaves them), and waits for each StatefulSet and Deployment to
# roll out. KUBECONFIG names the kubeconfig; the context is the profile.
set -euo pipefail
minikube=$1 profile=$2 manager=$3 dir=$4

"$minikube" -p "$profile" status >/dev/null

# The images the Deployments run, each looked up in the cluster.
images=$(sed -n 's/^ *image: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$dir"/*-deployment-*.yaml | sort -u)
[ -n "$images" ] || { echo "kubectl_deploy: no image in $dir/*-deployment-*.yaml" >&2; exit 1; }
for image in $images; do
  # The whole list first: grep -q would stop reading it half-way.
  listed=$("$minikube" -p "$profile" image ls)
  # containerd lists a short name under its default registry's library path.
  awk -v want="$image" '$0 == want || substr($0, length($0) - length(want)) == "/" want { found = 1 }
    END { exit !found }' <<<"$listed" || {
    echo "kubectl_deploy: image $image is not in the cluster" >&2
    exit 1
  }
done

kubectl --context "$profile" apply --server-side --force-conflicts --field-manager "$manager" -f "$dir" >/dev/null

namespace=$(sed -n 's/^  name: *//p' "$dir"/00-namespace-*.yaml)
for file in "$dir"/*-statefulset-*.yaml "$dir"/*-deployment-*.yaml; do
  [ -e "$file" ] || continue
  kind=$(basename "$file" .yaml | cut -d- -f2)
  name=$(basename "$file" .yaml | cut -d- -f3-)
  kubectl --context "$profile" -n "$namespace" rollout status "$kind/$name" --timeout=300s >/dev/null
done
