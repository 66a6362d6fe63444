// Command parsefloor is the floor bench/compare.sh measures linters
// against: it reads every .yaml, .yml and .json file under its arguments
// and parses each into yaml.v3 node trees (with positions, as everynode
// needs), on GOMAXPROCS goroutines, and does nothing else. No linter that
// parses YAML with positions can be faster.
//
//	parsefloor DIR...
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	var files []string
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
				if d.Type().IsRegular() {
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "parsefloor:", err)
			os.Exit(2)
		}
	}
	next := make(chan string)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		docs int
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for p := range next {
				data, err := os.ReadFile(p)
				if err != nil {
					continue
				}
				dec := yaml.NewDecoder(bytes.NewReader(data))
				for {
					var node yaml.Node
					if err := dec.Decode(&node); err != nil {
						if !errors.Is(err, io.EOF) {
							fmt.Fprintf(os.Stderr, "%s: %v\n", p, err)
						}
						break
					}
					n++
				}
			}
			mu.Lock()
			docs += n
			mu.Unlock()
		}()
	}
	for _, p := range files {
		next <- p
	}
	close(next)
	wg.Wait()
	fmt.Printf("%d files, %d documents\n", len(files), docs)
}
