module sre.minikube/ingress-standin

go 1.24
