#!/usr/bin/env bash
# Test the real minikube cluster harness end to end, on a profile of its own:
# start it, check the node and the system pods, build an image inside the
# node, run the payment-provider image as a restricted pod and call it
# through its Service, then (unless REAL_CLUSTER_SELFTEST_ADDONS=0) the
# ingress and ingress-dns stand-ins and NetworkPolicy enforcement, and
# finally delete the profile and check that nothing is left.
#
# Prints one line per check and "N passed, M failed"; exits non-zero on any
# failure. Needs the apps' payment-provider image (built here if missing).
# make test-real-cluster runs it; it is not part of `make test`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export REAL_CLUSTER_PROFILE=${REAL_CLUSTER_SELFTEST_PROFILE:-sre-real-selftest}
# shellcheck source=lib.sh
. "$here/lib.sh"
real_cluster_setup

profile=$REAL_CLUSTER_PROFILE
k8s_version=$(kubernetes_version) || exit 1
addons=${REAL_CLUSTER_SELFTEST_ADDONS:-1}
rc=$here/real-cluster.sh
passed=0
failed=0

check_out=$run_scratch/check.out

kc() { "$rc" minikube kubectl -- "$@"; }

# A pod that runs a Python snippet from the base image, under Pod Security
# "restricted" rules, prints its output and is deleted.
python_pod() {
	local namespace=$1 name=$2 label=$3 code=$4
	local overrides
	overrides=$(python3 -c 'import json, sys
name, code = sys.argv[1:]
print(json.dumps({"spec": {
    "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [{"name": name, "image": "sre-minikube-test/debian:12", "imagePullPolicy": "Never",
                    "command": ["python3", "-c", code],
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}]}}))' \
		"$name" "$code")
	kc -n "$namespace" run "$name" --rm -i --restart=Never --labels="app=$label" \
		--image=sre-minikube-test/debian:12 --overrides="$overrides" 2>/dev/null
}

# Python that POSTs a payment to URL, retrying for ten seconds; prints
# REACHED <status> or BLOCKED <error>.
pay_snippet() {
	cat <<EOF
import json, time, urllib.request
last = None
for _ in range(10):
    try:
        req = urllib.request.Request("$1", data=json.dumps({"id": "I1", "value": 12.15, "currency": "EUR"}).encode(),
                                     headers={"Content-Type": "application/json"})
        print("REACHED", urllib.request.urlopen(req, timeout=3).status)
        break
    except Exception as error:
        last = error
        time.sleep(1)
else:
    print("BLOCKED", last)
EOF
}

expect_output() {
	# expect_output PATTERN COMMAND...: COMMAND's output matches PATTERN.
	local pattern=$1 out
	shift
	out=$("$@" || true)
	printf '%s\n' "$out"
	grep -Eq "$pattern" <<<"$out"
}

started=$(date +%s)
"$rc" down >/dev/null 2>&1 || true
check "up: profile $profile starts" "$rc" up
check "status: Running" expect_output '^Running$' "$rc" status
check "the node is Ready" kc wait --for=condition=Ready node --all --timeout=120s
check "the kubelet is $k8s_version on containerd" expect_output "^$k8s_version containerd://" \
	kc get nodes -o jsonpath='{.items[0].status.nodeInfo.kubeletVersion} {.items[0].status.nodeInfo.containerRuntimeVersion}'
check "every kube-system pod is Ready" kc -n kube-system wait --for=condition=Ready pod --all --timeout=180s
for component in etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy coredns storage-provisioner; do
	check "a $component pod runs" expect_output "$component" kc -n kube-system get pods -o name
done

# ------------------------------------------------------------ image build
context=$(new_scratch selftest)
printf 'FROM sre-minikube-test/debian:12\nRUN echo built-in-the-node > /built.txt\nCMD ["cat", "/built.txt"]\n' >"$context/Dockerfile"
check "minikube image load of the base image" "$rc" minikube image load sre-minikube-test/debian:12
check "minikube image build inside the node" "$rc" minikube image build -t sre-minikube-test/selftest:1 "$context"
check "the built image is listed" expect_output 'sre-minikube-test/selftest:1' "$rc" minikube image ls
check "a pod of the built image prints what its RUN step wrote" expect_output '^built-in-the-node$' \
	kc run selftest-built --rm -i --restart=Never --image=sre-minikube-test/selftest:1 --image-pull-policy=Never

# ------------------------------------------------------------ payment-provider
app_image=$("$here/docker-app-images.sh" payment-provider)
check "minikube image load of $app_image" "$rc" minikube image load "$app_image"
manifest=$(new_scratch selftest)/payment-provider.yaml
cat >"$manifest" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: selftest
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Pod
metadata:
  name: payment-provider
  namespace: selftest
  labels:
    app: payment-provider
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: payment-provider
      image: $app_image
      imagePullPolicy: Never
      ports:
        - name: http
          containerPort: 8082
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      readinessProbe:
        httpGet:
          path: /readyz
          port: http
        periodSeconds: 2
---
apiVersion: v1
kind: Service
metadata:
  name: payment-provider
  namespace: selftest
spec:
  selector:
    app: payment-provider
  ports:
    - port: 8082
      targetPort: http
EOF
ingress=$(dirname "$manifest")/ingress.yaml
cat >"$ingress" <<EOF
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: payment-provider
  namespace: selftest
spec:
  ingressClassName: nginx
  rules:
    - host: selftest-pay.test
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: payment-provider
                port:
                  number: 8082
EOF
service_url=http://payment-provider.selftest.svc.cluster.local:8082/payments/pay
if [ "$addons" = 1 ]; then
	check "ingress and ingress-dns addons enabled with the stand-ins" "$rc" ingress
	check "NetworkPolicy enforcer running" "$rc" netpol
fi
check "payment-provider objects applied" kc apply -f "$manifest"
if [ "$addons" = 1 ]; then
	check "its Ingress is admitted by the addon's webhook" kc apply -f "$ingress"
fi
check "payment-provider is Ready as 65532 under Pod Security restricted" \
	kc -n selftest wait --for=condition=Ready pod/payment-provider --timeout=120s
check "a pod pays through the Service name (CoreDNS, kube-proxy)" expect_output '^REACHED 200' \
	python_pod selftest caller-1 caller "$(pay_snippet "$service_url")"

if [ "$addons" = 1 ]; then
	node_ip=$("$rc" minikube ip)
	check "the host pays through the Ingress on the node's port 80" expect_output '"id":"I1"' \
		curl -sS -m 10 --retry 5 --retry-all-errors -H 'Host: selftest-pay.test' -H 'Content-Type: application/json' \
		-d '{"id":"I1","value":12.15,"currency":"EUR"}' "http://$node_ip/payments/pay"
	check "ingress-dns answers the Ingress host with the node's address" expect_output "^$node_ip\$" \
		python3 - "$node_ip" <<'EOF'
import socket, struct, sys, time
query = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x0cselftest-pay\x04test\x00" + struct.pack(">HH", 1, 1)
for _ in range(10):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(query, (sys.argv[1], 53))
    answer, _ = s.recvfrom(512)
    if struct.unpack(">H", answer[6:8])[0]:
        print(".".join(str(b) for b in answer[-4:]))
        break
    time.sleep(1)
EOF
	policy=$(new_scratch selftest)/policy.yaml
	cat >"$policy" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: selftest
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: payment-provider-from-invoice-app
  namespace: selftest
spec:
  podSelector:
    matchLabels:
      app: payment-provider
  policyTypes: [Ingress]
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: invoice-app
      ports:
        - protocol: TCP
          port: 8082
EOF
	check "NetworkPolicies applied" kc apply -f "$policy"
	sleep 3
	check "a pod the policy does not admit is refused" expect_output '^BLOCKED' \
		python_pod selftest stranger stranger "$(pay_snippet "$service_url")"
	check "a pod labelled invoice-app is admitted" expect_output '^REACHED 200' \
		python_pod selftest invoice-app invoice-app "$(pay_snippet "$service_url")"
fi

# ------------------------------------------------------------ down
check "down: profile deleted, nothing left" "$rc" down
check "status: Nonexistent" expect_output '^Nonexistent$' "$rc" status

phase "real cluster self-test" "$started"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
