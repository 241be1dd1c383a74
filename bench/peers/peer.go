// Go peers of weft's benchmark workloads. Run with GOMAXPROCS=1, so that Go,
// like weft, runs every goroutine on one thread.
//
//	peer <workload> [n]
//
// prints one line: nanoseconds per operation (spawn_rss: bytes per goroutine).
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// counter is global so the compiler keeps every increment in the mutex loop.
var counter int64

// pingpong: ns per round trip over two unbuffered channels.
func pingpong(n int) float64 {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	elapsed := time.Since(start)
	close(ping)
	return float64(elapsed.Nanoseconds()) / float64(n)
}

// spawn: ns per goroutine started and finished, best of a few batches of n.
func spawn(n int) float64 {
	const batches = 5
	times := make([]float64, 0, batches)
	for b := 0; b < batches; b++ {
		var wg sync.WaitGroup
		start := time.Now()
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
		times = append(times, float64(time.Since(start).Nanoseconds())/float64(n))
	}
	sort.Float64s(times)
	return times[0]
}

func maxRSSBytes() int64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		panic(err)
	}
	return usage.Maxrss * 1024 // kilobytes on Linux
}

// spawn_rss: peak RSS per parked goroutine, n goroutines blocked receiving.
func spawnRSS(n int) float64 {
	release := make(chan int)
	var parked, exited sync.WaitGroup
	baseline := maxRSSBytes()
	parked.Add(n)
	exited.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			parked.Done()
			<-release
			exited.Done()
		}()
	}
	parked.Wait()
	runtime.Gosched() // let the last goroutine park too
	peak := maxRSSBytes()
	close(release)
	exited.Wait()
	return float64(peak-baseline) / float64(n)
}

// buffered: ns per item from a producer to a consumer over a channel of 128.
func buffered(n int) float64 {
	ch := make(chan int, 128)
	go func() {
		for i := 0; i < n; i++ {
			ch <- i
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		<-ch
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// select4: ns per item received by one consumer selecting over four
// producers' unbuffered channels.
func select4(n int) float64 {
	per := n / 4
	var chans [4]chan int
	for p := range chans {
		chans[p] = make(chan int)
		go func(ch chan int) {
			for i := 0; i < per; i++ {
				ch <- i
			}
		}(chans[p])
	}
	start := time.Now()
	for i := 0; i < 4*per; i++ {
		select {
		case <-chans[0]:
		case <-chans[1]:
		case <-chans[2]:
		case <-chans[3]:
		}
	}
	return float64(time.Since(start).Nanoseconds()) / float64(4*per)
}

// mutex: ns per increment, four goroutines each incrementing n times.
func mutex(n int) float64 {
	return mutexAmong(4, n)
}

// mutexMP: the same with four goroutines per CPU (GOMAXPROCS).
func mutexMP(n int) float64 {
	return mutexAmong(4*runtime.GOMAXPROCS(0), n)
}

func mutexAmong(goroutines, n int) float64 {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter = 0
	start := time.Now()
	wg.Add(goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; i < n; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if counter != int64(goroutines*n) {
		panic("lost increments")
	}
	return float64(elapsed.Nanoseconds()) / float64(goroutines*n)
}

// chanPairs: ns per round trip over all pairs, as many pingpong pairs as
// CPUs (runtime.NumCPU, whatever GOMAXPROCS is; $PEER_PAIRS if set), each
// over its own two unbuffered channels, n round trips each
// (bench/chan_pairs.c).
func chanPairs(n int) float64 {
	pairs := runtime.NumCPU()
	if v, err := strconv.Atoi(os.Getenv("PEER_PAIRS")); err == nil && v > 0 {
		pairs = v
	}
	var wg sync.WaitGroup
	wg.Add(pairs)
	start := time.Now()
	for p := 0; p < pairs; p++ {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v
			}
		}()
		go func() {
			for i := 0; i < n; i++ {
				ping <- i
				<-pong
			}
			close(ping)
			wg.Done()
		}()
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(pairs*n)
}

var workloads = map[string]struct {
	run      func(int) float64
	defaultN int
}{
	"pingpong":   {pingpong, 1000000},
	"spawn":      {spawn, 100000},
	"spawn_rss":  {spawnRSS, 1000000},
	"buffered":   {buffered, 5000000},
	"select4":    {select4, 1000000},
	"mutex":      {mutex, 5000000},
	"mutex_mp":   {mutexMP, 1000000},
	"chan_pairs": {chanPairs, 1000000},
	"fanout":     {fanout, 200000},
}

// fanout: ns per item through generate -> square (8 workers, each item
// costing a few hundred dependent multiplies) -> merge -> sum, as
// bench/fanout.c; bench/run runs it at GOMAXPROCS=1 and 2 for the speed-up.
func heavySquare(x int64) int64 {
	h := uint64(x)
	for i := 0; i < 400; i++ {
		h = h*6364136223846793005 + 1442695040888963407
	}
	return x*x + int64(h&1)
}

func fanout(n int) float64 {
	numbers, squares := make(chan int64, 64), make(chan int64, 64)
	start := time.Now()
	go func() {
		for i := 0; i < n; i++ {
			numbers <- int64(i)
		}
		close(numbers)
	}()
	var wg sync.WaitGroup
	wg.Add(8)
	for w := 0; w < 8; w++ {
		go func() {
			for x := range numbers {
				squares <- heavySquare(x)
			}
			wg.Done()
		}()
	}
	go func() { wg.Wait(); close(squares) }()
	var sum int64
	for y := range squares {
		sum += y
	}
	elapsed := time.Since(start)
	if sum == 0 {
		os.Exit(1)
	}
	return float64(elapsed.Nanoseconds()) / float64(n)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peer <workload> [n]")
		os.Exit(2)
	}
	w, found := workloads[os.Args[1]]
	if !found {
		fmt.Fprintf(os.Stderr, "peer: unknown workload %q\n", os.Args[1])
		os.Exit(2)
	}
	n := w.defaultN
	if len(os.Args) > 2 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil || v <= 0 {
			fmt.Fprintf(os.Stderr, "peer: bad count %q\n", os.Args[2])
			os.Exit(2)
		}
		n = v
	}
	fmt.Printf("%.2f\n", w.run(n))
}
