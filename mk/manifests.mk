##@ Manifests (docs/app_deploy.md, "What kube-score says")

include tests/harness/versions.env

# kube-score, built once per version into the tests' cache.
KUBE_SCORE := $(SRE_MINIKUBE_CACHE)/tools/kube-score-$(KUBE_SCORE_VERSION)/kube-score

$(KUBE_SCORE):
	GOBIN=$(dir $@) go install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)

.PHONY: test-manifests
test-manifests: $(VENV_STAMP) $(KUBE_SCORE) ## kube-score on the objects the deploy stage applies: fails on any finding not ignored in tests/kube_score.py or the model
	python tests/kube_score.py $(KUBE_SCORE)

TEST_TARGETS += test-manifests
