module sre.minikube/pause

go 1.24
