// ksit-git-server: serves a directory of bare Git repositories over plain HTTP on loopback, read and write, so that
// Flux's source-controller (which clones over http(s) or ssh only) can sync the GitOps e2e test's local repositories.
// It is `git http-backend` (Debian's git, the smart HTTP protocol) behind Go's CGI handler: no Git code of our own.
// Usage: ksit-git-server -root DIR -addr 127.0.0.1:0. Prints "listening on http://HOST:PORT" once it accepts
// connections, then serves DIR/<name>.git as http://HOST:PORT/<name>.git until killed.
// Built by deploy/local/tools.sh (flux).
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	root := flag.String("root", "", "directory holding the bare repositories (<name>.git)")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	flag.Parse()
	if *root == "" {
		log.Fatal("-root is required: the directory holding the bare repositories")
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		log.Fatalf("-root %s: %v", *root, err)
	}
	if info, err := os.Stat(absRoot); err != nil || !info.IsDir() {
		log.Fatalf("-root %s is not a directory", absRoot)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		log.Fatal("git is not on PATH: ksit-git-server runs `git http-backend`")
	}

	backend := &cgi.Handler{
		Path: git,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + absRoot,
			// Serve every repository under root, without a git-daemon-export-ok file in each.
			"GIT_HTTP_EXPORT_ALL=1",
			// http-backend refuses pushes from unauthenticated users unless REMOTE_USER is set; the test pushes.
			"REMOTE_USER=ksit-e2e",
		},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Keep requests inside root: http-backend checks too, but say so plainly in the log.
		if strings.Contains(r.URL.Path, "..") {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		log.Printf("%s %s", r.Method, r.URL.RequestURI())
		backend.ServeHTTP(w, r)
	})

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen %s: %v", *addr, err)
	}
	// The test waits for this line to learn the port.
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(http.Serve(listener, handler))
}
