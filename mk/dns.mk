##@ Role dns_resolver (docs/dns_resolver.md)

.PHONY: dns-images test-dns
dns-images: docker-up base-images ## Build the dns_resolver test images (systemd, systemd-resolved, NetworkManager)
	tests/harness/dns-images.sh >/dev/null

test-dns: docker-up base-images $(VENV_STAMP) ## Molecule scenario dns_resolver: each resolver backend converged, resolution through a DNS stand-in
	@start=$$(date +%s); \
	molecule test -s dns_resolver; \
	echo "test-dns: molecule test -s dns_resolver took $$(( $$(date +%s) - start ))s"

TEST_TARGETS += test-dns
