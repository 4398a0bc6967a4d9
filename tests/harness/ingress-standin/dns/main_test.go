package main

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"
)

func query(name string, qtype uint16) []byte {
	msg := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, label := range strings.Split(name, ".") {
		msg = append(msg, byte(len(label)))
		msg = append(msg, label...)
	}
	msg = append(msg, 0)
	msg = binary.BigEndian.AppendUint16(msg, qtype)
	return binary.BigEndian.AppendUint16(msg, classIN)
}

func TestAnswer(t *testing.T) {
	hosts := &hostSet{hosts: map[string]bool{"invoice-app.test": true, "*.apps.test": true}}
	ip := net.IPv4(192, 168, 49, 2).To4()
	cases := []struct {
		name    string
		qtype   uint16
		rcode   byte
		answers uint16
	}{
		{"invoice-app.test", typeA, 0, 1},
		{"INVOICE-APP.test", typeA, 0, 1},
		{"x.apps.test", typeA, 0, 1},
		{"invoice-app.test", 28, 0, 0},
		{"other.test", typeA, rcodeNX, 0},
		{"apps.test", typeA, rcodeNX, 0},
	}
	for _, c := range cases {
		resp := answer(query(c.name, c.qtype), hosts, ip)
		if resp[0] != 0x12 || resp[1] != 0x34 || resp[2]&0x80 == 0 {
			t.Fatalf("%s: not a response to the query: % x", c.name, resp[:4])
		}
		if got := resp[3] & 0x0f; got != c.rcode {
			t.Errorf("%s: rcode %d, want %d", c.name, got, c.rcode)
		}
		if got := binary.BigEndian.Uint16(resp[6:8]); got != c.answers {
			t.Errorf("%s: %d answers, want %d", c.name, got, c.answers)
		}
		if c.answers == 1 && !net.IP(resp[len(resp)-4:]).Equal(ip) {
			t.Errorf("%s: answered %v", c.name, net.IP(resp[len(resp)-4:]))
		}
	}
	if resp := answer([]byte{1, 2, 3}, hosts, ip); resp != nil {
		t.Errorf("a 3-byte packet got an answer: % x", resp)
	}
}
