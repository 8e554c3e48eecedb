// Command etcd starts an etcd server, as the etcd release binary does; built from the same etcd
// server module version that kube-apiserver is tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
