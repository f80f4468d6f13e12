package output_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/arrowpipe/arrowpipe/stages/output"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.csv")

	f, err := output.Open(path, output.Options{Stdout: os.Stdout})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Abort() // after Commit, does nothing
	if _, err := f.Write([]byte("id,total\n1,12.5\n")); err != nil {
		fmt.Println(err)
		return
	}
	if err := f.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// id,total
	// 1,12.5
}
