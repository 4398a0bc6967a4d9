#!/usr/bin/env bash
# Tests of the test cluster harness (tests/harness/cluster.sh) against the
# promises of docs/test-cluster.md: two clusters side by side, each with its
# own kubeconfig and context, Ready simulated nodes, every port on
# 127.0.0.1, a second `up` that changes nothing, ~/.kube/config untouched,
# and `down` leaving no process behind.
#
# Usage: tests/harness/cluster-selftest.sh   (exits non-zero on any failure)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster=$here/cluster.sh
work=$(mktemp -d)
passed=0
failed=0

# Cluster names unique to this run, so a run never meets another's clusters.
suffix=$$
a=selftest-a-$suffix
b=selftest-b-$suffix

cleanup() {
	SRE_CLUSTER_NAME=$a "$cluster" down >/dev/null 2>&1 || true
	SRE_CLUSTER_NAME=$b "$cluster" down >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

check() {
	# check DESCRIPTION COMMAND...: one test case
	local what=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok: $what"
	else
		failed=$((failed + 1))
		echo "FAIL: $what"
	fi
}

on() {
	# on CLUSTER COMMAND...: run with that cluster's variables
	local which=$1
	shift
	if [ "$which" = a ]; then
		SRE_CLUSTER_NAME=$a SRE_CLUSTER_NODES=2 SRE_CLUSTER_CONTEXT=ctx-a \
			SRE_CLUSTER_KUBECONFIG=$work/a.kubeconfig "$@"
	else
		SRE_CLUSTER_NAME=$b SRE_CLUSTER_NODES=1 SRE_CLUSTER_CONTEXT=ctx-b \
			SRE_CLUSTER_KUBECONFIG=$work/b/kubeconfig "$@"
	fi
}

eval "$("$here/cluster-build.sh" --paths)"
kubectl=$CLUSTER_KUBERNETES_BIN/kubectl

# Everything a cluster's processes run from mentions its kwok directory.
pids_of() {
	local name=$1 p cmdline
	for p in /proc/[0-9]*; do
		cmdline=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $cmdline in
		*"/clusters/$name/"*) echo "${p#/proc/}" ;;
		esac
	done
}

ready_nodes() {
	"$kubectl" --kubeconfig "$1" get nodes \
		-o 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' |
		grep -c '^True$'
}

only_loopback() {
	# Every listening TCP socket of the cluster's processes is on 127.0.0.1.
	local name=$1 pids listening
	pids=$(pids_of "$name" | paste -sd '|')
	[ -n "$pids" ] || return 1
	listening=$(ss -Hltnp | grep -E "pid=($pids)," || true)
	[ -n "$listening" ] || return 1
	! printf '%s\n' "$listening" | awk '{print $4}' | grep -v '^127\.0\.0\.1:'
}

user_kubeconfig_state() {
	if [ -e "$HOME/.kube/config" ]; then cksum <"$HOME/.kube/config"; else echo absent; fi
}

before=$(user_kubeconfig_state)

check "up creates cluster A" on a "$cluster" up
check "up creates cluster B beside it" on b "$cluster" up

check "cluster A has 2 Ready nodes" [ "$(ready_nodes "$work/a.kubeconfig")" = 2 ]
check "cluster B has 1 Ready node" [ "$(ready_nodes "$work/b/kubeconfig")" = 1 ]
check "A's kubeconfig has context ctx-a, current" \
	[ "$("$kubectl" --kubeconfig "$work/a.kubeconfig" config current-context)" = ctx-a ]
check "B's kubeconfig has context ctx-b, current" \
	[ "$("$kubectl" --kubeconfig "$work/b/kubeconfig" config current-context)" = ctx-b ]
check "the clusters have different API servers" [ \
	"$("$kubectl" --kubeconfig "$work/a.kubeconfig" config view -o 'jsonpath={.clusters[0].cluster.server}')" != \
	"$("$kubectl" --kubeconfig "$work/b/kubeconfig" config view -o 'jsonpath={.clusters[0].cluster.server}')" ]
check "the kubeconfig is readable by its owner only" [ "$(stat -c %a "$work/a.kubeconfig")" = 600 ]
server_version() {
	"$kubectl" --kubeconfig "$work/a.kubeconfig" get --raw /version | grep -o '"gitVersion": *"[^"]*"' | grep -o 'v[^"]*'
}
check "the API server reports the product's version" \
	[ "$(server_version)" = "$(python3 "$here/../../tools/product_facts.py" kubernetes-version)" ]
check "A listens on 127.0.0.1 only" only_loopback "$a"
check "B listens on 127.0.0.1 only" only_loopback "$b"
check "status says Running" [ "$(on a "$cluster" status)" = Running ]
check "kubeconfig prints the path" [ "$(on a "$cluster" kubeconfig)" = "$work/a.kubeconfig" ]

pids_before=$(pids_of "$a" | sort)
stamp_before=$(stat -c %Y.%i "$work/a.kubeconfig")
check "a second up succeeds" on a "$cluster" up
check "a second up keeps the same processes" [ "$(pids_of "$a" | sort)" = "$pids_before" ]
check "a second up leaves the kubeconfig alone" [ "$(stat -c %Y.%i "$work/a.kubeconfig")" = "$stamp_before" ]

check "stop succeeds" on a "$cluster" stop
state=$(on a "$cluster" status) && rc=0 || rc=$?
check "status says Stopped after stop" [ "$state" = Stopped ]
check "status exits 3 when not running" [ "$rc" = 3 ]
check "stop leaves no process of A" [ -z "$(pids_of "$a")" ]
check "up starts a stopped cluster" on a "$cluster" up
check "the restarted cluster has its 2 Ready nodes" [ "$(ready_nodes "$work/a.kubeconfig")" = 2 ]

check "down deletes cluster A" on a "$cluster" down
check "down leaves no process of A" [ -z "$(pids_of "$a")" ]
check "down removes A's kubeconfig" [ ! -e "$work/a.kubeconfig" ]
check "status says Nonexistent after down" [ "$(on a "$cluster" status || true)" = Nonexistent ]
check "B still runs after A is gone" [ "$(ready_nodes "$work/b/kubeconfig")" = 1 ]
check "down of a missing cluster succeeds" on a "$cluster" down

check "down deletes cluster B" on b "$cluster" down
check "down leaves no process of B" [ -z "$(pids_of "$b")" ]
check "the user's kubeconfig (\$HOME/.kube/config) is untouched" [ "$(user_kubeconfig_state)" = "$before" ]

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
