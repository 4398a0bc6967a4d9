#!/usr/bin/env bash
# Test cluster harness: a real Kubernetes control plane on 127.0.0.1.
#
# kube-apiserver, kube-controller-manager, kube-scheduler and etcd run as
# plain processes under `kwokctl --runtime binary`; kwok simulates the
# nodes. The interface (commands, variables, exit codes) is documented in
# docs/test-cluster.md; other test code relies on it, change both together.
#
# Usage: tests/harness/cluster.sh build|up|stop|down|status|kubeconfig|env|kubectl ARGS...
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

export SRE_MINIKUBE_CACHE=$cache_root
name=${SRE_CLUSTER_NAME:-sre-minikube}
nodes=${SRE_CLUSTER_NODES:-3}
context=${SRE_CLUSTER_CONTEXT:-minikube}
wait_seconds=${SRE_CLUSTER_WAIT:-180}
run_root=$cache_root/cluster/run
state_dir=$run_root/$name
kubeconfig=${SRE_CLUSTER_KUBECONFIG:-$state_dir/kubeconfig}
case $kubeconfig in
/*) ;;
*) kubeconfig=$PWD/$kubeconfig ;;
esac

# kwokctl keeps each cluster in $KWOK_WORKDIR/clusters/<name>.
export KWOK_WORKDIR=$run_root/kwok
kwok_cluster_dir=$KWOK_WORKDIR/clusters/$name
kwok_kubeconfig=$kwok_cluster_dir/kubeconfig.yaml

usage() {
	sed -n 's/^# Usage: //p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

validate() {
	case $name in
	'' | -* | *- | *[!a-z0-9-]*)
		die "SRE_CLUSTER_NAME='$name' is not a valid name: use lower-case letters, digits and '-'"
		;;
	esac
	[ ${#name} -le 40 ] || die "SRE_CLUSTER_NAME='$name' is longer than 40 characters"
	case $nodes in
	'' | *[!0-9]*) die "SRE_CLUSTER_NODES='$nodes' is not a number from 1 to 20" ;;
	esac
	[ "$nodes" -ge 1 ] && [ "$nodes" -le 20 ] ||
		die "SRE_CLUSTER_NODES=$nodes is out of range: use 1 to 20"
	case $wait_seconds in
	'' | *[!0-9]*) die "SRE_CLUSTER_WAIT='$wait_seconds' is not a number of seconds" ;;
	esac
	case $context in
	'' | *[!A-Za-z0-9._@:-]*)
		die "SRE_CLUSTER_CONTEXT='$context' is not a valid context name: use letters, digits and . _ @ : -"
		;;
	esac
	case $kubeconfig in
	"$HOME/.kube/config") die "SRE_CLUSTER_KUBECONFIG must not be ~/.kube/config: the file is replaced whole" ;;
	esac
}

# Where the binaries are, without building them.
load_paths() {
	eval "$("$here/cluster-build.sh" --paths)"
	kube_bin=$CLUSTER_KUBERNETES_BIN
	etcd_bin=$CLUSTER_ETCD_BIN
	kwok_bin=$CLUSTER_KWOK_BIN
	# kwokctl runs the first kubectl on PATH: make it ours, never the host's.
	export PATH=$kube_bin:$kwok_bin:$PATH
}

# cluster-build.sh serialises concurrent builds itself.
build() {
	"$here/cluster-build.sh" >/dev/null
}

# Serialise commands on one cluster (Molecule and make may overlap).
lock_cluster() {
	mkdir -p "$run_root/locks"
	exec 9>"$run_root/locks/$name.lock"
	if command -v flock >/dev/null 2>&1; then
		flock -w "$((wait_seconds + 600))" 9 || die "timed out waiting for the lock on cluster $name"
	fi
}

# kwokctl starts the components as daemons: they must not inherit the
# lock's file descriptor, or they would hold the lock for their lifetime.
# Its own log (JSON lines) goes to the cluster's state directory and is
# shown only when it fails.
run_kwokctl() {
	local log=$state_dir/kwokctl.log rc=0
	mkdir -p "$state_dir"
	printf '$ kwokctl %s\n' "$*" >>"$log"
	kwokctl "$@" 9>&- >>"$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		log "kwokctl $1 $2 failed (exit $rc); the end of $log:"
		tail -n 20 "$log" >&2
	fi
	return "$rc"
}

kwok_kubectl() {
	kubectl --kubeconfig "$kwok_kubeconfig" "$@"
}

api_ready() {
	[ -f "$kwok_kubeconfig" ] &&
		[ "$(kwok_kubectl --request-timeout=5s get --raw=/readyz 2>/dev/null)" = ok ]
}

state() {
	if [ ! -d "$kwok_cluster_dir" ]; then
		echo Nonexistent
	elif api_ready; then
		echo Running
	else
		echo Stopped
	fi
}

# Process ids of everything still running for this cluster: every component
# is started with paths inside the cluster's kwok directory.
cluster_pids() {
	local p cmdline
	for p in /proc/[0-9]*; do
		cmdline=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $cmdline in
		*"$kwok_cluster_dir/"*) echo "${p#/proc/}" ;;
		esac
	done
}

wait_until() {
	# wait_until SECONDS DESCRIPTION COMMAND...
	local limit=$1 what=$2
	shift 2
	local deadline=$(($(date +%s) + limit))
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || die "$what: not reached within ${limit}s"
		sleep 1
	done
}

kwokctl_config() {
	# Every component on loopback; every binary a local path.
	cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeApiserverBinary: $kube_bin/kube-apiserver
  kubeControllerManagerBinary: $kube_bin/kube-controller-manager
  kubeSchedulerBinary: $kube_bin/kube-scheduler
  kubectlBinary: $kube_bin/kubectl
  kwokControllerBinary: $kwok_bin/kwok
  etcdBinary: $etcd_bin/etcd
EOF
}

create_cluster() {
	mkdir -p "$state_dir"
	kwokctl_config >"$state_dir/kwokctl.yaml"
	# SRE_CLUSTER_KWOKCTL_ARGS: extra `kwokctl create cluster` flags, split on
	# spaces, for tests that need a kwok feature the default cluster leaves
	# off, e.g. --enable-crds=PortForward (simulated port-forwarding, used by
	# tests/harness/pod_backends.py). Only read when the cluster is created.
	local extra_args=()
	read -r -a extra_args <<<"${SRE_CLUSTER_KWOKCTL_ARGS:-}"
	log "creating cluster $name"
	run_kwokctl create cluster \
		--name "$name" \
		--config "$state_dir/kwokctl.yaml" \
		--runtime binary \
		--kube-apiserver-binary "$kube_bin/kube-apiserver" \
		--kube-controller-manager-binary "$kube_bin/kube-controller-manager" \
		--kube-scheduler-binary "$kube_bin/kube-scheduler" \
		--kwok-controller-binary "$kwok_bin/kwok" \
		--etcd-binary "$etcd_bin/etcd" \
		--kubeconfig "" \
		--wait "${wait_seconds}s" \
		${extra_args[@]+"${extra_args[@]}"} >&2
}

# The kubeconfig the callers use: one context named $context, credentials
# embedded, so it stays valid wherever it is copied.
render_kubeconfig() {
	local server ca cert key
	server=$(kwok_kubectl config view --raw --flatten -o 'jsonpath={.clusters[0].cluster.server}')
	ca=$(kwok_kubectl config view --raw --flatten -o 'jsonpath={.clusters[0].cluster.certificate-authority-data}')
	cert=$(kwok_kubectl config view --raw --flatten -o 'jsonpath={.users[0].user.client-certificate-data}')
	key=$(kwok_kubectl config view --raw --flatten -o 'jsonpath={.users[0].user.client-key-data}')
	case $server in
	https://127.0.0.1:*) ;;
	*) die "kwokctl's kubeconfig names server '$server', expected https://127.0.0.1:<port>" ;;
	esac
	[ -n "$ca" ] && [ -n "$cert" ] && [ -n "$key" ] ||
		die "kwokctl's kubeconfig $kwok_kubeconfig lacks certificate data"
	cat <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $context
    cluster:
      server: $server
      certificate-authority-data: $ca
contexts:
  - name: $context
    context:
      cluster: $context
      user: $context
current-context: $context
users:
  - name: $context
    user:
      client-certificate-data: $cert
      client-key-data: $key
preferences: {}
EOF
}

write_kubeconfig() {
	local dir tmp
	dir=$(dirname "$kubeconfig")
	mkdir -p "$dir"
	tmp=$(mktemp "$dir/.kubeconfig.XXXXXX")
	chmod 600 "$tmp"
	render_kubeconfig >"$tmp"
	if [ -f "$kubeconfig" ] && cmp -s "$tmp" "$kubeconfig"; then
		rm -f "$tmp"
		return
	fi
	mv "$tmp" "$kubeconfig"
	# down removes only the file it wrote.
	printf '%s\n' "$kubeconfig" >"$state_dir/kubeconfig-path"
	log "wrote $kubeconfig (context $context)"
}

ready_nodes() {
	kwok_kubectl get nodes -o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
		grep -c '^True$' || true
}

node_count() {
	kwok_kubectl get nodes -o name 2>/dev/null | grep -c . || true
}

nodes_as_wanted() {
	[ "$(node_count)" = "$nodes" ] && [ "$(ready_nodes)" = "$nodes" ]
}

cmd_up() {
	local start
	start=$(date +%s)
	validate
	build
	load_paths
	lock_cluster
	case $(state) in
	Running) ;;
	Stopped)
		log "starting stopped cluster $name"
		if ! run_kwokctl start cluster --name "$name" --wait "${wait_seconds}s"; then
			log "cluster $name does not start; deleting and creating it again"
			delete_cluster
			create_cluster
		fi
		;;
	Nonexistent) create_cluster ;;
	esac
	wait_until "$wait_seconds" "API server of cluster $name ready" api_ready
	if [ "$(node_count)" != "$nodes" ]; then
		log "scaling cluster $name to $nodes nodes"
		# kwok's node template reports no local disk; the workloads request
		# ephemeral-storage, which a node without it never fits.
		run_kwokctl scale node --name "$name" --replicas "$nodes" \
			--param '.allocatable["ephemeral-storage"] = "64Gi"'
	fi
	wait_until "$wait_seconds" "$nodes Ready nodes in cluster $name" nodes_as_wanted
	provide_storage
	mkdir -p "$state_dir"
	write_kubeconfig
	log "cluster $name up: $nodes nodes, kubeconfig $kubeconfig ($(($(date +%s) - start)) s)"
}

# Volumes for claims, as minikube's storage-provisioner addon gives them:
# its default StorageClass `standard` (the same provisioner name, so the
# minikube double's default-storageclass addon finds it as it would make it)
# and a pool of volumes that its claims bind to. No provisioner runs here
# (kwok has no kubelet to mount anything), so the pool is made in advance,
# and volumes released by a deleted claim are made available again at
# every `up`.
storage_volumes=6
provide_storage() {
	local i manifest pv
	manifest="apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: \"true\"
provisioner: k8s.io/minikube-hostpath
volumeBindingMode: Immediate"
	for i in $(seq 1 "$storage_volumes"); do
		manifest="$manifest
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: harness-volume-$i
  labels:
    sre-minikube.test/harness-volume: \"true\"
spec:
  storageClassName: standard
  capacity:
    storage: 8Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: /var/lib/harness-volumes/$i"
	done
	printf '%s\n' "$manifest" | kwok_kubectl apply -f - >/dev/null
	for pv in $(kwok_kubectl get pv -l sre-minikube.test/harness-volume=true \
		-o 'jsonpath={range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
		kwok_kubectl patch pv "$pv" --type=json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
	done
}

delete_cluster() {
	if [ -d "$kwok_cluster_dir" ]; then
		log "deleting cluster $name"
		# kwokctl removes the cluster's context from the kubeconfig it is
		# given and refuses an empty path: give it a scratch file, never
		# ~/.kube/config.
		mkdir -p "$state_dir"
		run_kwokctl delete cluster --name "$name" --kubeconfig "$state_dir/kwokctl-delete.kubeconfig" ||
			log "kwokctl delete cluster failed; stopping its processes directly"
	fi
	local pids
	pids=$(cluster_pids)
	if [ -n "$pids" ]; then
		log "stopping leftover processes of cluster $name: $(printf '%s\n' "$pids" | paste -sd ' ')"
		# shellcheck disable=SC2086 # one pid per word
		kill $pids 2>/dev/null || true
		sleep 2
		pids=$(cluster_pids)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
		sleep 1
	fi
	pids=$(cluster_pids)
	[ -z "$pids" ] || die "processes of cluster $name survived: $(printf '%s\n' "$pids" | paste -sd ' ')"
	rm -rf "$kwok_cluster_dir"
}

cmd_down() {
	validate
	load_paths
	lock_cluster
	delete_cluster
	if [ -f "$state_dir/kubeconfig-path" ]; then
		rm -f "$(cat "$state_dir/kubeconfig-path")"
	fi
	rm -rf "$state_dir"
	log "cluster $name is down"
}

cmd_stop() {
	validate
	load_paths
	lock_cluster
	if [ -d "$kwok_cluster_dir" ]; then
		run_kwokctl stop cluster --name "$name"
	fi
	log "cluster $name: $(state)"
}

cmd_status() {
	validate
	load_paths
	local s
	s=$(state)
	echo "$s"
	[ "$s" = Running ] || exit 3
}

cmd_env() {
	validate
	load_paths
	printf "export KUBECONFIG='%s'\n" "$kubeconfig"
	printf "export PATH='%s':\"\$PATH\"\n" "$kube_bin"
}

cmd_kubectl() {
	validate
	load_paths
	exec kubectl --kubeconfig "$kubeconfig" "$@"
}

[ $# -ge 1 ] || usage
command=$1
shift
case $command in
build)
	validate
	build
	;;
up) cmd_up ;;
down) cmd_down ;;
stop) cmd_stop ;;
status) cmd_status ;;
kubeconfig)
	validate
	printf '%s\n' "$kubeconfig"
	;;
env) cmd_env ;;
kubectl) cmd_kubectl "$@" ;;
*) usage ;;
esac
