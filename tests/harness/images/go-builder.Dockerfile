# Test double: a local stand-in for the Go builder image the apps' Dockerfiles
# start from (GO_BUILDER_IMAGE in tests/harness/versions.env). No image can be
# pulled on the test machines, so this one is the Debian 12 base image built by
# tests/harness/base-images.sh plus the Go toolchain from the Go module proxy,
# laid out like the official image: GOROOT /usr/local/go, GOPATH /go.
# Built by tests/harness/images/go-builder.sh; never shipped.
FROM sre-minikube-test/debian:12

ARG GO_VERSION
ARG STANDIN_VERSION
LABEL sre-minikube.go-builder.version="${STANDIN_VERSION}" \
      org.opencontainers.image.description="Test double of the Go ${GO_VERSION} builder image"

ENV GOLANG_VERSION="${GO_VERSION}" \
    GOTOOLCHAIN=local \
    GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

COPY go /usr/local/go
WORKDIR /go
RUN ["/usr/local/go/bin/go", "version"]
