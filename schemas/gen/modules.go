package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// releases.txt names, one a line, the k8s.io/kubernetes module version
// whose api/openapi-spec/swagger.json is each embedded release's schema
// source: the newest patch of every minor release we embed. Anyone can
// regenerate from it with nothing but the Go module proxy.
//
//go:embed releases.txt
var releasesTxt string

var moduleVersion = regexp.MustCompile(`^v1\.(\d+)\.\d+$`)

// moduleReleases parses releases.txt: "v1.N.P" lines, # comments.
func moduleReleases() ([]string, error) {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(releasesTxt))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if !moduleVersion.MatchString(line) {
			return nil, fmt.Errorf("releases.txt:%d: %q is not a k8s.io/kubernetes version such as v1.37.2", n, line)
		}
		out = append(out, line)
	}
	return out, nil
}

// moduleSources finds each release's swagger.json in the Go module cache,
// downloading the k8s.io/kubernetes module when it is not there yet
// (unless offline, when a missing module is an error).
func moduleSources(offline bool) ([]source, error) {
	versions, err := moduleReleases()
	if err != nil {
		return nil, err
	}
	var out []source
	for _, v := range versions {
		dir, err := moduleDir("k8s.io/kubernetes@"+v, offline)
		if err != nil {
			return nil, err
		}
		minor, _ := strconv.Atoi(moduleVersion.FindStringSubmatch(v)[1])
		out = append(out, source{minor, filepath.Join(dir, "api", "openapi-spec", "swagger.json")})
	}
	return out, nil
}

// moduleDir asks the go command where a module version is (this is a
// developer tool run with go run; nothing in everynode itself does this).
func moduleDir(mod string, offline bool) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if offline {
		cmd.Env = append(cmd.Env, "GOPROXY=off")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Dir == "" {
		msg := strings.TrimSpace(info.Error + " " + stderr.String())
		if runErr != nil && msg == "" {
			msg = runErr.Error()
		}
		return "", fmt.Errorf("go mod download %s: %s", mod, msg)
	}
	return info.Dir, nil
}
