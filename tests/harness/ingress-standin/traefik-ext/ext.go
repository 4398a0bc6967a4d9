// Package ext stands in for Traefik's nested module
// github.com/traefik/traefik/dynamic/ext, which Traefik's go.mod replaces
// with a directory of its repository and the Go module proxy does not serve.
// Traefik's dynamic configuration embeds its two types as extension points
// and reads no field of them; empty structs build the open-source proxy.
// Test harness only (tests/harness/ingress-images.sh); never shipped.
package ext

// HTTP is embedded in Traefik's dynamic HTTP configuration.
type HTTP struct{}

// Router is embedded in Traefik's HTTP router configuration.
type Router struct{}
