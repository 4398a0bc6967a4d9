// Command dns stands in for minikube's ingress-dns addon image in the
// harness's real cluster (that image's source is not in the minikube module).
// Like the addon, it runs in a host-network pod on the node and answers DNS
// over UDP on DNS_PORT: an A query for the host of any Ingress rule in the
// cluster (exact, or under a "*." wildcard host) gets POD_IP, the node's
// address; other types for such a host get an empty answer; every other
// name gets NXDOMAIN. The Ingress hosts are re-read from the API server
// every two seconds. Test harness only (tests/harness/ingress-images.sh).
package main

import (
	"encoding/binary"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"sre.minikube/ingress-standin/internal/kubeapi"
)

const (
	typeA      = 1
	classIN    = 1
	rcodeNX    = 3
	rcodeForm  = 1
	answerTTL  = 5
	refreshGap = 2 * time.Second
)

// hostSet holds the Ingress hosts, lower-case, without a trailing dot.
type hostSet struct {
	mu    sync.RWMutex
	hosts map[string]bool
}

func (h *hostSet) replace(hosts map[string]bool) {
	h.mu.Lock()
	h.hosts = hosts
	h.mu.Unlock()
}

func (h *hostSet) has(name string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.hosts[name] {
		return true
	}
	if _, parent, ok := strings.Cut(name, "."); ok {
		return h.hosts["*."+parent]
	}
	return false
}

type ingressList struct {
	Items []struct {
		Spec struct {
			Rules []struct {
				Host string `json:"host"`
			} `json:"rules"`
		} `json:"spec"`
	} `json:"items"`
}

func watchIngresses(client *kubeapi.Client, hosts *hostSet) {
	for {
		var list ingressList
		if _, err := client.Do(http.MethodGet, "/apis/networking.k8s.io/v1/ingresses", nil, &list); err != nil {
			log.Printf("listing ingresses: %v", err)
		} else {
			found := map[string]bool{}
			for _, item := range list.Items {
				for _, rule := range item.Spec.Rules {
					if rule.Host != "" {
						found[strings.ToLower(strings.TrimSuffix(rule.Host, "."))] = true
					}
				}
			}
			hosts.replace(found)
		}
		time.Sleep(refreshGap)
	}
}

// question reads the first question of a query: its name, type and the
// offset where the question section ends.
func question(msg []byte) (string, uint16, int, error) {
	if len(msg) < 12 || binary.BigEndian.Uint16(msg[4:6]) < 1 {
		return "", 0, 0, errors.New("no question")
	}
	var labels []string
	i := 12
	for {
		if i >= len(msg) {
			return "", 0, 0, errors.New("truncated name")
		}
		n := int(msg[i])
		i++
		if n == 0 {
			break
		}
		if n > 63 || i+n > len(msg) {
			return "", 0, 0, errors.New("bad label")
		}
		labels = append(labels, string(msg[i:i+n]))
		i += n
	}
	if i+4 > len(msg) {
		return "", 0, 0, errors.New("truncated question")
	}
	qtype := binary.BigEndian.Uint16(msg[i : i+2])
	return strings.ToLower(strings.Join(labels, ".")), qtype, i + 4, nil
}

// answer builds the response to query msg.
func answer(msg []byte, hosts *hostSet, ip net.IP) []byte {
	name, qtype, end, err := question(msg)
	if err != nil {
		if len(msg) < 12 {
			return nil
		}
		resp := append([]byte(nil), msg[:12]...)
		resp[2] = 0x80 | msg[2]&0x01 // QR, keep RD
		resp[3] = rcodeForm
		for k := 4; k < 12; k++ {
			resp[k] = 0
		}
		return resp
	}
	resp := append([]byte(nil), msg[:end]...)
	resp[2] = 0x84 | msg[2]&0x01 // QR, AA, keep RD
	resp[3] = 0
	binary.BigEndian.PutUint16(resp[4:6], 1) // one question
	binary.BigEndian.PutUint16(resp[6:8], 0)
	binary.BigEndian.PutUint16(resp[8:10], 0)
	binary.BigEndian.PutUint16(resp[10:12], 0)
	if !hosts.has(name) {
		resp[3] = rcodeNX
		return resp
	}
	if qtype != typeA || ip == nil {
		return resp
	}
	binary.BigEndian.PutUint16(resp[6:8], 1)
	rr := []byte{0xc0, 12} // the name of the question
	rr = binary.BigEndian.AppendUint16(rr, typeA)
	rr = binary.BigEndian.AppendUint16(rr, classIN)
	rr = binary.BigEndian.AppendUint32(rr, answerTTL)
	rr = binary.BigEndian.AppendUint16(rr, 4)
	rr = append(rr, ip...)
	return append(resp, rr...)
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	port := os.Getenv("DNS_PORT")
	if port == "" {
		port = "53"
	}
	ip := net.ParseIP(os.Getenv("POD_IP")).To4()
	if ip == nil {
		log.Fatalf("POD_IP=%q is not an IPv4 address", os.Getenv("POD_IP"))
	}
	client, err := kubeapi.InCluster()
	if err != nil {
		log.Fatal(err)
	}
	hosts := &hostSet{hosts: map[string]bool{}}
	go watchIngresses(client, hosts)

	conn, err := net.ListenPacket("udp", ":"+port)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("answering Ingress hosts with %s on udp port %s", ip, port)
	buf := make([]byte, 1500)
	for {
		n, peer, err := conn.ReadFrom(buf)
		if err != nil {
			log.Printf("read: %v", err)
			continue
		}
		if resp := answer(buf[:n], hosts, ip); resp != nil {
			if _, err := conn.WriteTo(resp, peer); err != nil {
				log.Printf("write to %s: %v", peer, err)
			}
		}
	}
}
