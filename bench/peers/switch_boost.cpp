// Boost.Context peer of bench/switch.c: two fibers (the main context and one
// more) resuming each other; prints ns per switch. Usage: switch_boost [n],
// n round trips (2n switches).
#include <boost/context/fiber.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <utility>

namespace ctx = boost::context;

static double now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? std::atol(argv[1]) : 10000000;
    if (n <= 0) {
        std::fprintf(stderr, "switch_boost: bad count %s\n", argv[1]);
        return 2;
    }
    ctx::fiber partner{[](ctx::fiber &&main) {
        for (;;)
            main = std::move(main).resume();
        return std::move(main);
    }};
    partner = std::move(partner).resume(); // warm up: start the partner
    double start = now_ns();
    for (long i = 0; i < n; i++)
        partner = std::move(partner).resume();
    double elapsed = now_ns() - start;
    std::printf("%.2f\n", elapsed / (2.0 * n));
    // partner is left suspended; its stack is unwound by ~fiber at exit.
    return 0;
}
