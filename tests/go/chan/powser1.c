/*
 * Port of $GOROOT/test/chan/powser1.go (Go 1.19): McIlroy's power series
 * on channels ("Squinting at Power Series"). A series is a demand channel
 * pair: a request on req, a rational coefficient back on dat; a
 * denominator of 0 ends it. Every operator is a goroutine; split hands a
 * series to two readers through generations of goroutines.
 *
 * Ported: the test's checks (Ones, Add, Diff, Integ, Cmul, Sub, Mul, Exp,
 * MonSubst's arctangent), with the operators they call, as Go wrote them.
 * Left out: the printing mode (a command-line argument; it checks
 * nothing) with printn and evaln; the operators no check calls (Monmul,
 * Xmul, Mon, Shift, Binom, Recip, Subst, eval), and the commented-out
 * Poly and Tan. Channel names (chnames) are never printed by the test;
 * they are left out too. Go's seqno, a counter every goroutine bumps
 * without a lock, is atomic here (its values are only tokens).
 * powser2.go is this program with interface{} values and is not ported
 * again. Not scaled.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "go_test.h"

typedef struct {
    int64_t num, den;
} rat;

typedef struct dch {
    weft_chan *req, *dat;
} dch;

typedef dch *PS;
typedef struct {
    dch *s[2];
} dch2;

static atomic_int seqno;
static rat zero, one, finis;
static PS Ones, Twos;

static void *allocate(size_t size)
{
    void *p = calloc(1, size);
    if (!p)
        abort();
    return p;
}

static dch *mkdch(void)
{
    dch *d = allocate(sizeof *d);
    d->req = weft_chan_make(sizeof(int), 0);
    d->dat = weft_chan_make(sizeof(rat), 0);
    return d;
}

static dch2 *mkdch2(void)
{
    dch2 *d2 = allocate(sizeof *d2);
    d2->s[0] = mkdch();
    d2->s[1] = mkdch();
    return d2;
}

static void send_seqno(weft_chan *req)
{
    int n = atomic_fetch_add(&seqno, 1) + 1;
    weft_chan_send(req, &n);
}

static void send_rat(weft_chan *dat, rat r)
{
    weft_chan_send(dat, &r);
}

static rat recv_rat(weft_chan *dat)
{
    rat r;
    weft_chan_recv(dat, &r);
    return r;
}

/* ---- split ----
 * split reads a single demand channel and replicates its output onto two,
 * which may be read at different rates. A goroutine is created at first
 * demand for a rat and dies after the rat has been sent to both outputs.
 * The newest generation serves out[0] (renamed so), the oldest out[1];
 * when data has finally been sent to out[1], a signal on the release-wait
 * channel tells the next newer generation to begin servicing out[1]. */

struct split_args {
    dch *in;
    dch2 *out;
    weft_chan *wait;
};

static void dosplit(void *arg)
{
    struct split_args *a = arg;
    dch2 *out = a->out;
    bool both = false; /* do not service both channels */
    struct weft_case first[] = {WEFT_RECV_CASE(out->s[0]->req, NULL),
                                WEFT_RECV_CASE(a->wait, NULL)};
    if (weft_select(first, 2) == 1) {
        both = true;
        struct weft_case either[] = {WEFT_RECV_CASE(out->s[0]->req, NULL),
                                     WEFT_RECV_CASE(out->s[1]->req, NULL)};
        if (weft_select(either, 2) == 1) {
            dch *t = out->s[0];
            out->s[0] = out->s[1];
            out->s[1] = t;
        }
    }
    send_seqno(a->in->req);
    struct split_args *next = allocate(sizeof *next);
    *next = (struct split_args){a->in, out, weft_chan_make(sizeof(int), 0)};
    weft_go(dosplit, next);
    rat dat = recv_rat(a->in->dat);
    send_rat(out->s[0]->dat, dat);
    if (!both)
        weft_chan_recv(a->wait, NULL);
    weft_chan_recv(out->s[1]->req, NULL);
    send_rat(out->s[1]->dat, dat);
    weft_chan_send(next->wait, &(int){0});
}

static void split(dch *in, dch2 *out)
{
    struct split_args *a = allocate(sizeof *a);
    *a = (struct split_args){in, out, weft_chan_make(sizeof(int), 0)};
    weft_go(dosplit, a);
    weft_chan_send(a->wait, &(int){0});
}

static void put(rat dat, dch *out)
{
    weft_chan_recv(out->req, NULL);
    send_rat(out->dat, dat);
}

static rat get(dch *in)
{
    send_seqno(in->req);
    return recv_rat(in->dat);
}

/* Get one rat from each of 2 demand channels. */
static void get2(dch *in0, dch *in1, rat out[2])
{
    dch *in[2] = {in0, in1};
    weft_chan *req[2] = {in[0]->req, in[1]->req}, *dat[2] = {NULL, NULL};
    for (int n = 4; n > 0; n--) {
        int seq = atomic_fetch_add(&seqno, 1) + 1;
        rat it;
        struct weft_case cases[] = {
            WEFT_SEND_CASE(req[0], &seq), WEFT_SEND_CASE(req[1], &seq),
            WEFT_RECV_CASE(dat[0], &it), WEFT_RECV_CASE(dat[1], &it)};
        int chosen = weft_select(cases, 4);
        int i = chosen % 2;
        if (chosen < 2) {
            dat[i] = in[i]->dat;
            req[i] = NULL;
        } else {
            out[i] = it;
            dat[i] = NULL;
        }
    }
}

static void copy(dch *in, dch *out)
{
    for (;;) {
        weft_chan_recv(out->req, NULL);
        send_rat(out->dat, get(in));
    }
}

/* ---- rationals ---- */

static int64_t gcd(int64_t u, int64_t v)
{
    if (u < 0)
        return gcd(-u, v);
    if (u == 0)
        return v;
    return gcd(v % u, u);
}

static rat i2tor(int64_t u, int64_t v)
{
    int64_t g = gcd(u, v);
    if (v > 0)
        return (rat){u / g, v / g};
    return (rat){-u / g, -v / g};
}

static rat itor(int64_t u)
{
    return i2tor(u, 1);
}

static int64_t end(rat u)
{
    return u.den == 0;
}

static rat add(rat u, rat v)
{
    int64_t g = gcd(u.den, v.den);
    return i2tor(u.num * (v.den / g) + v.num * (u.den / g),
                 u.den * (v.den / g));
}

static rat mul(rat u, rat v)
{
    int64_t g1 = gcd(u.num, v.den), g2 = gcd(u.den, v.num);
    return (rat){(u.num / g1) * (v.num / g2), (u.den / g2) * (v.den / g1)};
}

static rat neg(rat u)
{
    return i2tor(-u.num, u.den);
}

/* ---- power series ----
 * Constructors return a series and start the goroutine that puts its
 * terms on it. Upper case for series, lower case for rationals. */

struct series_args {
    PS U, V, Z;
    rat c;
    int n;
};

static PS start(weft_fn generator, struct series_args args)
{
    struct series_args *a = allocate(sizeof *a);
    *a = args;
    a->Z = mkdch();
    weft_go(generator, a);
    return a->Z;
}

static void run_split(void *arg)
{
    struct split_args *a = arg;
    split(a->in, a->out);
}

/* Make a pair of power series identical to a given power series. */
static dch2 *Split(PS U)
{
    dch2 *UU = mkdch2();
    struct split_args *a = allocate(sizeof *a);
    *a = (struct split_args){U, UU, NULL};
    weft_go(run_split, a);
    return UU;
}

static void add_series(void *arg)
{
    struct series_args *a = arg;
    for (;;) {
        weft_chan_recv(a->Z->req, NULL);
        rat uv[2];
        get2(a->U, a->V, uv);
        switch (end(uv[0]) + 2 * end(uv[1])) {
        case 0:
            send_rat(a->Z->dat, add(uv[0], uv[1]));
            break;
        case 1:
            send_rat(a->Z->dat, uv[1]);
            copy(a->V, a->Z);
            break;
        case 2:
            send_rat(a->Z->dat, uv[0]);
            copy(a->U, a->Z);
            break;
        case 3:
            send_rat(a->Z->dat, finis);
        }
    }
}

/* Add two power series. */
static PS Add(PS U, PS V)
{
    return start(add_series, (struct series_args){.U = U, .V = V});
}

static void cmul_series(void *arg)
{
    struct series_args *a = arg;
    bool done = false;
    while (!done) {
        weft_chan_recv(a->Z->req, NULL);
        rat u = get(a->U);
        if (end(u) != 0)
            done = true;
        else
            send_rat(a->Z->dat, mul(a->c, u));
    }
    send_rat(a->Z->dat, finis);
}

/* Multiply a power series by a constant. */
static PS Cmul(rat c, PS U)
{
    return start(cmul_series, (struct series_args){.U = U, .c = c});
}

/* Subtract. */
static PS Sub(PS U, PS V)
{
    return Add(U, Cmul(neg(one), V));
}

static void repeat(void *arg)
{
    struct series_args *a = arg;
    for (;;)
        put(a->c, a->Z);
}

static PS Rep(rat c)
{
    return start(repeat, (struct series_args){.c = c});
}

/* Multiply. With U = u + x*UU and V = v + x*VV,
 * UV = u*v + x*(u*VV+v*UU) + x*x*UU*VV. */
static PS Mul(PS U, PS V);

static void mul_series(void *arg)
{
    struct series_args *a = arg;
    weft_chan_recv(a->Z->req, NULL);
    rat uv[2];
    get2(a->U, a->V, uv);
    if (end(uv[0]) != 0 || end(uv[1]) != 0) {
        send_rat(a->Z->dat, finis);
        return;
    }
    send_rat(a->Z->dat, mul(uv[0], uv[1]));
    dch2 *UU = Split(a->U), *VV = Split(a->V);
    PS W = Add(Cmul(uv[0], VV->s[0]), Cmul(uv[1], UU->s[0]));
    weft_chan_recv(a->Z->req, NULL);
    send_rat(a->Z->dat, get(W));
    copy(Add(W, Mul(UU->s[1], VV->s[1])), a->Z);
}

static PS Mul(PS U, PS V)
{
    return start(mul_series, (struct series_args){.U = U, .V = V});
}

static void diff_series(void *arg)
{
    struct series_args *a = arg;
    weft_chan_recv(a->Z->req, NULL);
    rat u = get(a->U);
    if (end(u) == 0) {
        bool done = false;
        for (int i = 1; !done; i++) {
            u = get(a->U);
            if (end(u) != 0) {
                done = true;
            } else {
                send_rat(a->Z->dat, mul(itor(i), u));
                weft_chan_recv(a->Z->req, NULL);
            }
        }
    }
    send_rat(a->Z->dat, finis);
}

/* Differentiate. */
static PS Diff(PS U)
{
    return start(diff_series, (struct series_args){.U = U});
}

static void integ_series(void *arg)
{
    struct series_args *a = arg;
    put(a->c, a->Z);
    bool done = false;
    for (int i = 1; !done; i++) {
        weft_chan_recv(a->Z->req, NULL);
        rat u = get(a->U);
        if (end(u) != 0)
            done = true;
        send_rat(a->Z->dat, mul(i2tor(1, i), u));
    }
    send_rat(a->Z->dat, finis);
}

/* Integrate, with const of integration. */
static PS Integ(rat c, PS U)
{
    return start(integ_series, (struct series_args){.U = U, .c = c});
}

/* Exponential of a power series with constant term 0 (the constant term
 * is ignored): Z = exp(U), DZ = Z*DU, integrate to get Z. */
static PS Exp(PS U)
{
    dch2 *ZZ = mkdch2();
    split(Integ(one, Mul(ZZ->s[0], Diff(U))), ZZ);
    return ZZ->s[1];
}

static void monsubst_series(void *arg)
{
    struct series_args *a = arg;
    rat c = one;
    for (;;) {
        weft_chan_recv(a->Z->req, NULL);
        rat u = get(a->U);
        send_rat(a->Z->dat, mul(u, c));
        c = mul(c, a->c);
        if (end(u) != 0) {
            send_rat(a->Z->dat, finis);
            break;
        }
        for (int i = 1; i < a->n; i++) {
            weft_chan_recv(a->Z->req, NULL);
            send_rat(a->Z->dat, zero);
        }
    }
}

/* Monomial substitution U(c x^n): each Ui is multiplied by c^i and
 * followed by n-1 zeros. */
static PS MonSubst(PS U, rat c0, int n)
{
    return start(monsubst_series,
                 (struct series_args){.U = U, .c = c0, .n = n});
}

static void init(void)
{
    seqno = 0;
    zero = itor(0);
    one = itor(1);
    finis = i2tor(1, 0);
    Ones = Rep(one);
    Twos = Rep(itor(2));
}

static void check(PS U, rat c, int count, const char *str)
{
    for (int i = 0; i < count; i++) {
        rat r = get(U);
        go_check(r.num == c.num && r.den == c.den,
                 "%s: got %lld/%lld, should get %lld/%lld", str,
                 (long long)r.num, (long long)r.den, (long long)c.num,
                 (long long)c.den);
    }
}

enum { N = 10 };

static void checka(PS U, const rat a[N], const char *str)
{
    for (int i = 0; i < N; i++)
        check(U, a[i], 1, str);
}

GO_TEST(powser1)
{
    init();
    check(Ones, one, 5, "Ones");
    check(Add(Ones, Ones), itor(2), 0, "Add Ones Ones"); /* 1 1 1 1 1 */
    check(Add(Ones, Twos), itor(3), 0, "Add Ones Twos"); /* 3 3 3 3 3 */
    rat a[N];
    PS d = Diff(Ones);
    for (int i = 0; i < N; i++)
        a[i] = itor(i + 1);
    checka(d, a, "Diff"); /* 1 2 3 4 5 */
    PS in = Integ(zero, Ones);
    a[0] = zero; /* integration constant */
    for (int i = 1; i < N; i++)
        a[i] = i2tor(1, i);
    checka(in, a, "Integ");                            /* 0 1 1/2 1/3 */
    check(Cmul(neg(one), Twos), itor(-2), 10, "CMul"); /* -2 -2 -2 */
    check(Sub(Ones, Twos), itor(-1), 0, "Sub Ones Twos");
    PS m = Mul(Ones, Ones);
    for (int i = 0; i < N; i++)
        a[i] = itor(i + 1);
    checka(m, a, "Mul"); /* 1 2 3 4 5 */
    PS e = Exp(Ones);
    a[0] = itor(1);
    a[1] = itor(1);
    a[2] = i2tor(3, 2);
    a[3] = i2tor(13, 6);
    a[4] = i2tor(73, 24);
    a[5] = i2tor(167, 40);
    a[6] = i2tor(4051, 720);
    a[7] = i2tor(37633, 5040);
    a[8] = i2tor(43817, 4480);
    a[9] = i2tor(4596553, 362880);
    checka(e, a, "Exp"); /* 1 1 3/2 13/6 73/24 */
    PS at = Integ(zero, MonSubst(Ones, neg(one), 2));
    for (int c = 1, i = 0; i < N; i++) {
        if (i % 2 == 0) {
            a[i] = zero;
        } else {
            a[i] = i2tor(c, i);
            c *= -1;
        }
    }
    checka(at, a, "ATan"); /* 0 -1 0 -1/3 0 -1/5 */
}
