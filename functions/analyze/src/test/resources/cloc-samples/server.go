// Package server is written for the cloc agreement test.
package server

import "fmt"

/* Serve
   prints a line. */
func Serve() {
	fmt.Println("http://example.com") // trailing
}
