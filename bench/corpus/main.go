// Command corpus writes the benchmark corpus that bench/compare.sh lints:
//
//	go run ./bench/corpus -out DIR [-files 2000] [-big 4] [-seed 1]
//	go run ./bench/corpus -specs DIR -n 1000
//
// The same seed writes the same bytes (see internal/testkit/benchcorpus).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/everynode/everynode/internal/testkit/benchcorpus"
)

func main() {
	out := flag.String("out", "", "write the manifest corpus into `DIR`")
	files := flag.Int("files", 2000, "number of agent files (about ten documents each)")
	big := flag.Int("big", 4, "number of CNI-install-like files of several thousand lines")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same corpus")
	specs := flag.String("specs", "", "write Daemon specs into `DIR` instead")
	n := flag.Int("n", 1000, "number of Daemon specs (with -specs)")
	flag.Parse()
	if err := run(*out, *specs, *files, *big, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func run(out, specs string, files, big, n int, seed uint64) error {
	switch {
	case specs != "":
		if err := benchcorpus.WriteSpecs(specs, n, seed); err != nil {
			return err
		}
		fmt.Printf("wrote %d Daemon specs to %s\n", n, specs)
		return nil
	case out != "":
		st, err := benchcorpus.Write(out, benchcorpus.Options{Seed: seed, Files: files, Big: big})
		if err != nil {
			return err
		}
		fmt.Printf("wrote %d files, %d documents, %d lines, %.1f MB to %s\n", st.Files, st.Documents, st.Lines, float64(st.Bytes)/1e6, out)
		return nil
	}
	return fmt.Errorf("give -out DIR or -specs DIR (see -help)")
}
