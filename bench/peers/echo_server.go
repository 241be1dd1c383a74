// The Go peer of the `echo` row: an echo server on Go's net package, each
// connection served by its own goroutine, as samples/echoserver is.
//
//	echo_server
//
// listens on a free loopback port and prints "listening on 127.0.0.1:PORT".
package main

import (
	"fmt"
	"net"
	"os"
)

func echo(c net.Conn) {
	defer c.Close()
	buffer := make([]byte, 4096)
	for {
		n, err := c.Read(buffer)
		if err != nil {
			return
		}
		if _, err := c.Write(buffer[:n]); err != nil {
			return
		}
	}
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo_server:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on %s\n", listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "echo_server:", err)
			os.Exit(1)
		}
		go echo(conn)
	}
}
