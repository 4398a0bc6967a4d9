# The Go builder stand-in with the apps' modules already in its module cache,
# for image builds inside a real minikube node, where no module proxy can be
# reached: with GOPROXY=off, `go mod download` finds every module here.
ARG BASE
FROM ${BASE}
ARG GOPROXY
COPY . /tmp/modules/
RUN for app in /tmp/modules/*/; do go -C "$app" mod download && go -C "$app" mod verify || exit 1; done \
    && rm -rf /tmp/modules
