/* cluster.c — replications over MPI ranks (cluster.h). Built only into
 * caseload-mpi (make mpi, compiled with CASELOAD_MPI). */
#include "cli/mpi/cluster.h"

#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "output/afile.h"
#include "sim/check.h"

#include <mpi.h>

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A chunk is at most this many replications per thread of the rank that
 * runs it: each chunk costs two messages, so four replications a thread
 * keep rank 0's work per replication small, while a slow rank holds
 * little work the others could have done. */
#define CLUSTER_CHUNK_PER_THREAD 4u
/* Chunks a rank holds at once: one running, the next queued, so it never
 * waits for rank 0 between two. */
#define CLUSTER_CHUNKS_AHEAD 2u
/* Results rank 0 may hold waiting for their turn (the reorder window). */
#define CLUSTER_WINDOW_BYTES (64u << 20)
/* How long rank 0 waits for every rank to answer when the run stops
 * (mpirun sends SIGKILL 1 s after SIGTERM: odls_base_sigkill_timeout). */
#define CLUSTER_STOP_WAIT_SECONDS 0.5
/* Rank 0's nap between two looks at the network when it has nothing to
 * compute. */
#define CLUSTER_NAP_NS 100000L
/* Test only: the rank named here exits (status 1, as a crashed process)
 * after sending its first chunk of results. */
#define CLUSTER_TEST_DIE_ENV "CASELOAD_TEST_MPI_DIE_RANK"
/* Test only: the reorder window, in replications, when smaller than
 * CLUSTER_WINDOW_BYTES makes it (the window full, ranks wait for room). */
#define CLUSTER_TEST_WINDOW_ENV "CASELOAD_TEST_MPI_WINDOW"
/* When set, rank 0 reports messages, bytes and where its time went on
 * standard error at the end (docs/performance.md). */
#define CLUSTER_STATS_ENV "CASELOAD_MPI_STATS"
/* Room for a rank's reason for refusing a batch (a path included). */
#define CLUSTER_WHY_SIZE 640
/* Every option letter of every command (options_parse): each rank reads the
 * command line rank 0 accepted, for the --set and --risk it loads with. */
#define CLUSTER_ALL_OPTIONS "nsjoSqfPKMpWCZVTDLABRGEXYduFUrk"

enum tag { TAG_BATCH = 1, TAG_READY, TAG_CHUNK, TAG_RESULT, TAG_STOP, TAG_STOPPED, TAG_DONE };

/* Result status a rank reports for a chunk. */
enum { CHUNK_WHOLE = 0, CHUNK_STOPPED = 1, CHUNK_NO_MEMORY = 2 };

static struct {
    int rank, size;
    int argc;
    char **argv;
    bool stats;
    uint64_t msgs_in, msgs_out, bytes_in, bytes_out, reps, reps_remote;
    double t_serve, t_start;   /* t_serve: CPU time */
} cl;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu_now(clockid_t which)
{
    struct timespec t;
    clock_gettime(which, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* End the whole job: the message, no temporary left, exit status 1 on
 * every rank. */
static _Noreturn void cluster_fail(const char *fmt, ...)
{
    progress_erase_async();
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "caseload: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "; the run failed and no result folder was completed\n");
    va_end(ap);
    fflush(stderr);
    afile_unlink_all();
    MPI_Abort(MPI_COMM_WORLD, EXIT_FAILURE_RUN);
    _exit(EXIT_FAILURE_RUN);
}

static void mpi_ok(int rc, const char *what)
{
    if (rc == MPI_SUCCESS)
        return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    cluster_fail("MPI error on rank %d while %s: %s", cl.rank, what, text);
}

unsigned batch_ranks(void)
{
    return cl.size > 0 ? (unsigned)cl.size : 0;
}

/* ---- packing ------------------------------------------------------------ */

struct buf {
    unsigned char *p;
    size_t len, cap, at;   /* at: read position */
};

static void buf_put(struct buf *b, const void *v, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = check_realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, v, n);
    b->len += n;
}

static void put_u64(struct buf *b, uint64_t v) { buf_put(b, &v, sizeof v); }
static void put_str(struct buf *b, const char *s)
{
    put_u64(b, strlen(s));
    buf_put(b, s, strlen(s));
}

/* False when the message is shorter than it says. */
static bool buf_get(struct buf *b, void *v, size_t n)
{
    if (b->at + n > b->len)
        return false;
    memcpy(v, b->p + b->at, n);
    b->at += n;
    return true;
}

static uint64_t get_u64(struct buf *b)
{
    uint64_t v = 0;
    CHECK(buf_get(b, &v, sizeof v));   /* rank 0's own format */
    return v;
}

/* The doubles of one scenario's result that travel. */
static size_t rep_doubles(const struct result_layout *l, bool kpis_only, long keep)
{
    if (kpis_only)
        return l->n_kpis + (keep >= 0 ? 1 : 0);
    return l->n_periods * l->n_metrics + l->n_kpis + (l->years ? l->years->n_periods * l->years->n_metrics : 0);
}

/* Bytes of one replication of every scenario of b. */
static size_t rep_bytes(const struct batch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += sizeof(uint64_t) + sizeof(double) * rep_doubles(&b->layout[i], b->kpis_only, b->keep_value);
    return n;
}

static unsigned char *put_doubles(unsigned char *out, const double *v, size_t n)
{
    memcpy(out, v, n * sizeof *v);
    return out + n * sizeof *v;
}

static const unsigned char *get_doubles(const unsigned char *in, double *v, size_t n)
{
    memcpy(v, in, n * sizeof *v);
    return in + n * sizeof *v;
}

static void pack(const struct batch *b, const struct rep_result *res, unsigned char *out)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct result_layout *l = &b->layout[i];
        memcpy(out, &res[i].events, sizeof res[i].events);
        out += sizeof res[i].events;
        if (!b->kpis_only)
            out = put_doubles(out, res[i].values, l->n_periods * l->n_metrics);
        out = put_doubles(out, res[i].kpi, l->n_kpis);
        if (b->kpis_only && b->keep_value >= 0)
            out = put_doubles(out, &res[i].values[b->keep_value], 1);
        if (!b->kpis_only && l->years)
            out = put_doubles(out, res[i].years, l->years->n_periods * l->years->n_metrics);
    }
}

static void unpack(const struct batch *b, const unsigned char *in, uint64_t rep, struct rep_result *res)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct result_layout *l = &b->layout[i];
        res[i].rep = rep;
        memcpy(&res[i].events, in, sizeof res[i].events);
        in += sizeof res[i].events;
        if (!b->kpis_only)
            in = get_doubles(in, res[i].values, l->n_periods * l->n_metrics);
        in = get_doubles(in, res[i].kpi, l->n_kpis);
        if (b->kpis_only && b->keep_value >= 0)
            in = get_doubles(in, &res[i].values[b->keep_value], 1);
        if (!b->kpis_only && l->years)
            in = get_doubles(in, res[i].years, l->years->n_periods * l->years->n_metrics);
    }
}

static void layout_dims(const struct result_layout *l, uint64_t d[5])
{
    d[0] = l->n_metrics;
    d[1] = l->n_periods;
    d[2] = l->n_kpis;
    d[3] = l->years ? l->years->n_metrics : 0;
    d[4] = l->years ? l->years->n_periods : 0;
}

/* A scenario's parameter draws (scenario.h), so that every rank draws the
 * same values for a replication whatever its command line: none, or their
 * parameters, scales, factor and origin. */
static void pack_draws(struct buf *m, const struct pdraw *d, const char *from)
{
    put_u64(m, d != NULL);
    if (!d)
        return;
    put_u64(m, d->n);
    put_u64(m, d->k);
    for (size_t i = 0; i < d->n; i++) {
        put_u64(m, d->param[i]);
        put_u64(m, (uint64_t)d->scale[i]);
    }
    buf_put(m, d->load, d->n * d->k * sizeof *d->load);
    put_str(m, from ? from : "");
}

/* The draws pack_draws packed, given to sc (or none taken away). */
static void unpack_draws(struct buf *m, struct scenario *sc)
{
    if (!get_u64(m)) {
        scenario_set_draws(sc, NULL, NULL);
        return;
    }
    struct pdraw d;
    d.n = get_u64(m);
    d.k = get_u64(m);
    d.param = check_malloc((d.n + 1) * sizeof *d.param);
    d.scale = check_malloc((d.n + 1) * sizeof *d.scale);
    d.load = check_malloc((d.n * d.k + 1) * sizeof *d.load);
    for (size_t i = 0; i < d.n; i++) {
        d.param[i] = get_u64(m);
        CHECK(d.param[i] < sc->reg.n);
        uint64_t s = get_u64(m);
        CHECK(s < PDRAW_SCALES);
        d.scale[i] = (enum pdraw_scale)s;
    }
    CHECK(buf_get(m, d.load, d.n * d.k * sizeof *d.load));
    uint64_t len = get_u64(m);
    char *from = check_calloc(len + 1, 1);
    CHECK(buf_get(m, from, len));
    scenario_set_draws(sc, &d, from);
    free(from);
}

/* What a rank needs to rebuild batch b: for each scenario its file as
 * given, the SHA-256 of every file read, every parameter value and the
 * shape of its results. */
static void pack_batch(const struct batch *b, struct buf *m)
{
    put_str(m, CASELOAD_VERSION);
    put_u64(m, b->seed);
    put_u64(m, b->kpis_only);
    put_u64(m, (uint64_t)(int64_t)b->keep_value);
    put_u64(m, b->n);
    for (size_t i = 0; i < b->n; i++) {
        const struct scenario *sc = b->sc[i];
        put_str(m, sc->file);
        put_u64(m, sc->n_files);
        for (size_t f = 0; f < sc->n_files; f++)
            put_str(m, sc->file_sha256 ? sc->file_sha256[f] : "");
        put_u64(m, sc->reg.n);
        for (size_t p = 0; p < sc->reg.n; p++)
            buf_put(m, &sc->reg.p[p].value, sizeof(double));
        pack_draws(m, sc->draws, sc->draws_from);
        uint64_t d[5];
        layout_dims(&b->layout[i], d);
        buf_put(m, d, sizeof d);
    }
}

/* ---- the other ranks ----------------------------------------------------- */

struct follower {
    struct options o;
    bool parsed;
    size_t n, cap;
    struct scenario **sc;
    struct result_layout *layout;
    const struct scenario **scs;
    struct batch b;
    bool ready;
    /* the chunk being run */
    unsigned char *out[2];
    size_t out_cap[2];
    MPI_Request req[2];
    int cur;
    uint64_t got;
    bool stopping;       /* rank 0 said stop: drop chunks until its STOP */
};

/* cmd_load with standard error silenced: rank 0 alone reports problems. */
static struct scenario *load_quietly(const char *path, const struct options *o)
{
    fflush(stderr);
    int keep = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    if (keep >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    struct scenario *sc = cmd_load(path, o);
    fflush(stderr);
    if (keep >= 0 && null >= 0)
        dup2(keep, STDERR_FILENO);
    if (keep >= 0)
        close(keep);
    if (null >= 0)
        close(null);
    return sc;
}

static void worker_grow(struct follower *w, size_t n)
{
    if (n <= w->cap)
        return;
    w->sc = check_realloc(w->sc, n * sizeof *w->sc);
    w->layout = check_realloc(w->layout, n * sizeof *w->layout);
    w->scs = check_realloc(w->scs, n * sizeof *w->scs);
    for (size_t i = w->cap; i < n; i++) {
        w->sc[i] = NULL;
        memset(&w->layout[i], 0, sizeof w->layout[i]);
    }
    w->cap = n;
}

/* Rebuild rank 0's batch from m. Returns NULL, or what went wrong. */
static const char *worker_prepare(struct follower *w, struct buf *m, char *why, size_t size)
{
    w->ready = false;
    if (!w->parsed) {
        int fd = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
        if (fd >= 0 && null >= 0)
            dup2(null, STDERR_FILENO);
        w->parsed = options_parse(&w->o, cl.argc, cl.argv, 2, CLUSTER_ALL_OPTIONS);
        if (fd >= 0 && null >= 0)
            dup2(fd, STDERR_FILENO);
        if (fd >= 0)
            close(fd);
        if (null >= 0)
            close(null);
        if (!w->parsed) {
            snprintf(why, size, "cannot read the command line");
            return why;
        }
    }
    char version[sizeof CASELOAD_VERSION + 1] = "";
    uint64_t vl = get_u64(m);
    if (vl >= sizeof version || !buf_get(m, version, vl) || strcmp(version, CASELOAD_VERSION) != 0) {
        snprintf(why, size, "runs caseload %s, rank 0 another version (every rank must run the same program)",
                 CASELOAD_VERSION);
        return why;
    }
    uint64_t seed = get_u64(m), kpis_only = get_u64(m), keep = get_u64(m), n = get_u64(m);
    worker_grow(w, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t len = get_u64(m);
        char *path = check_calloc(len + 1, 1);
        CHECK(buf_get(m, path, len));
        if (!w->sc[i] || strcmp(w->sc[i]->file, path) != 0) {
            scenario_free(w->sc[i]);
            result_layout_free(&w->layout[i]);
            memset(&w->layout[i], 0, sizeof w->layout[i]);
            w->sc[i] = load_quietly(path, &w->o);
            if (!w->sc[i]) {
                snprintf(why, size, "cannot load %s there (every rank must see the scenario files at the same paths)",
                         path);
                free(path);
                return why;
            }
        }
        struct scenario *sc = w->sc[i];
        uint64_t nf = get_u64(m);
        bool same = nf == sc->n_files;
        for (size_t f = 0; f < nf; f++) {
            uint64_t hl = get_u64(m);
            char hex[SHA256_HEX_SIZE] = "";
            CHECK(hl < sizeof hex && buf_get(m, hex, hl));
            if (same && sc->file_sha256 && strcmp(hex, sc->file_sha256[f]) != 0)
                same = false;
        }
        uint64_t np = get_u64(m);
        if (!same || np != sc->reg.n) {
            snprintf(why, size, "%s there is not the file rank 0 read (every rank must see the same scenario files)",
                     path);
            free(path);
            return why;
        }
        free(path);
        bool moved = w->layout[i].n_metrics == 0;
        for (size_t p = 0; p < np; p++) {
            double v;
            CHECK(buf_get(m, &v, sizeof v));
            if (memcmp(&v, &sc->reg.p[p].value, sizeof v) != 0) {
                scenario_set_value(sc, p, v);
                moved = true;
            }
        }
        unpack_draws(m, sc);
        if (moved) {
            result_layout_free(&w->layout[i]);
            caseload_layout(sc, &w->layout[i]);
        }
        uint64_t want[5], have[5];
        CHECK(buf_get(m, want, sizeof want));
        layout_dims(&w->layout[i], have);
        if (memcmp(want, have, sizeof want) != 0) {
            snprintf(why, size, "%s gives results of another shape there than on rank 0", sc->file);
            return why;
        }
        w->scs[i] = sc;
    }
    w->n = n;
    w->b = (struct batch){ w->scs, w->layout, n, seed, NULL, w, kpis_only != 0, (long)(int64_t)keep };
    w->ready = true;
    return NULL;
}

#define RESULT_HEADER (4 * sizeof(uint64_t))   /* first, asked, got, status */

static bool worker_sink(void *ctx, uint64_t rep, const struct rep_result *res)
{
    (void)rep;
    struct follower *w = ctx;
    size_t rb = rep_bytes(&w->b);
    pack(&w->b, res, w->out[w->cur] + RESULT_HEADER + w->got * rb);
    w->got++;
    int flag = 0;
    mpi_ok(MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE), "looking for a stop");
    if (flag) {
        w->stopping = true;
        signals_stop = SIGTERM;   /* replications under way stop too */
        return false;
    }
    return true;
}

static void worker_chunk(struct follower *w, uint64_t first, uint64_t count, bool die_after)
{
    w->cur ^= 1;
    int c = w->cur;
    mpi_ok(MPI_Wait(&w->req[c], MPI_STATUS_IGNORE), "sending results");
    size_t need = RESULT_HEADER + (size_t)count * rep_bytes(&w->b);
    if (need > w->out_cap[c]) {
        free(w->out[c]);
        w->out[c] = check_calloc(need, 1);
        w->out_cap[c] = need;
    }
    w->got = 0;
    struct batch b = w->b;
    b.sink = worker_sink;
    b.ctx = w;
    long long r = batch_run_local(&b, first, count, w->o.threads, &signals_stop);
    uint64_t status = r < 0 ? CHUNK_NO_MEMORY : w->got < count ? CHUNK_STOPPED : CHUNK_WHOLE;
    uint64_t head[4] = { first, count, w->got, status };
    memcpy(w->out[c], head, sizeof head);
    size_t len = RESULT_HEADER + (size_t)w->got * rep_bytes(&w->b);
    mpi_ok(MPI_Isend(w->out[c], (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &w->req[c]), "sending results");
    if (die_after) {
        mpi_ok(MPI_Wait(&w->req[c], MPI_STATUS_IGNORE), "sending results");
        _exit(EXIT_FAILURE_RUN);
    }
}

/* A signal to a rank other than 0 (mpirun passes Ctrl-C on as SIGTERM to
 * every rank): stop the chunk under way and answer rank 0, silently; a
 * second one ends the rank at once. */
static volatile sig_atomic_t worker_signalled = 0;

static void worker_on_signal(int sig)
{
    if (worker_signalled)
        _exit(CLI_EXIT_SIGNAL(sig));
    worker_signalled = sig;
    signals_stop = sig;
}

static void worker_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int worker_serve(void)
{
    struct follower w;
    memset(&w, 0, sizeof w);
    w.req[0] = w.req[1] = MPI_REQUEST_NULL;
    const char *die = getenv(CLUSTER_TEST_DIE_ENV);
    bool die_after = die && atoi(die) == cl.rank;
    worker_signals(worker_on_signal);
    struct buf m = { 0 };
    for (;;) {
        MPI_Status st;
        int len = 0;
        mpi_ok(MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st), "waiting for rank 0");
        mpi_ok(MPI_Get_count(&st, MPI_BYTE, &len), "waiting for rank 0");
        m.len = m.at = 0;
        if ((size_t)len > m.cap) {
            m.p = check_realloc(m.p, (size_t)len);
            m.cap = (size_t)len;
        }
        mpi_ok(MPI_Recv(m.p, len, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "receiving");
        m.len = (size_t)len;
        switch (st.MPI_TAG) {
        case TAG_BATCH: {
            char why[CLUSTER_WHY_SIZE];
            w.stopping = false;
            const char *bad = worker_prepare(&w, &m, why, sizeof why);
            struct buf r = { 0 };
            put_u64(&r, bad ? 0 : w.o.threads);
            put_str(&r, bad ? bad : "");
            mpi_ok(MPI_Send(r.p, (int)r.len, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD), "answering rank 0");
            free(r.p);
            break;
        }
        case TAG_CHUNK: {
            uint64_t first = get_u64(&m), count = get_u64(&m);
            if (w.ready && !w.stopping) {
                worker_chunk(&w, first, count, die_after);
                if (signals_stop)
                    w.stopping = true;   /* interrupted: rank 0 will say stop */
            }
            break;
        }
        case TAG_STOP:
            mpi_ok(MPI_Waitall(2, w.req, MPI_STATUSES_IGNORE), "sending results");
            mpi_ok(MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_STOPPED, MPI_COMM_WORLD), "answering rank 0");
            w.stopping = false;
            signals_stop = 0;   /* rank 0 decides whether the command goes on */
            break;
        case TAG_DONE: {
            int rc = (int)get_u64(&m);
            mpi_ok(MPI_Waitall(2, w.req, MPI_STATUSES_IGNORE), "sending results");
            if (worker_signalled)
                _exit(rc);   /* mpirun is ending the job: no MPI_Finalize to wait in */
            free(m.p);
            for (size_t i = 0; i < w.cap; i++) {
                scenario_free(w.sc[i]);
                result_layout_free(&w.layout[i]);
            }
            free(w.sc);
            free(w.layout);
            free(w.scs);
            free(w.out[0]);
            free(w.out[1]);
            if (w.parsed)
                options_free(&w.o);
            /* the command is over: when mpirun ends the job (a status
             * other than 0 does), end at once */
            worker_signals(SIG_DFL);
            return rc;
        }
        default:
            cluster_fail("rank %d got a message it does not know (tag %d)", cl.rank, st.MPI_TAG);
        }
    }
}

/* ---- rank 0 -------------------------------------------------------------- */

struct leader {
    const struct batch *b;
    volatile sig_atomic_t *stop;
    uint64_t end, next_hand, next_sink;
    long long delivered;
    size_t rb;                  /* bytes of one replication */
    uint64_t window;            /* replications */
    unsigned char *slot;        /* window * rb */
    bool *full;
    struct rep_result *res;     /* unpacked for the sink */
    unsigned *threads;          /* per rank (0: not ready) */
    unsigned *held;             /* chunks a rank holds */
    bool *waiting;              /* a rank that wants work the window has no room for */
    bool *answered;             /* a rank that said it is done with the batch */
    unsigned total_threads;
    bool quit;                  /* the sink said stop */
    bool stopping;              /* interrupted */
    bool no_memory;
    struct buf in;
};

/* Replications the next chunk for a rank of `threads` threads should hold
 * (0: none now): a share of what is left (guided: chunks shrink towards the
 * end so every rank finishes near the same time), at least one replication
 * a thread, at most CLUSTER_CHUNK_PER_THREAD, within the window. */
static uint64_t chunk_size(const struct leader *z, unsigned threads)
{
    uint64_t left = z->end - z->next_hand;
    uint64_t room = z->next_sink + z->window - z->next_hand;
    uint64_t c = (uint64_t)threads * CLUSTER_CHUNK_PER_THREAD;
    uint64_t fair = (left * threads + 2 * (uint64_t)z->total_threads - 1) / (2 * (uint64_t)z->total_threads);
    if (c > fair)
        c = fair;
    if (c < threads)
        c = threads;
    if (c > left)
        c = left;
    if (c > room)
        c = room;
    return c;
}

static void send_small(int to, int tag, const uint64_t *v, int n)
{
    mpi_ok(MPI_Send(v, n * (int)sizeof *v, MPI_BYTE, to, tag, MPI_COMM_WORLD), "sending to a rank");
    cl.msgs_out++;
    cl.bytes_out += (uint64_t)n * sizeof *v;
}

static void hand_out(struct leader *z, int w)
{
    z->waiting[w] = false;
    while (!z->stopping && !z->quit && z->threads[w] && z->held[w] < CLUSTER_CHUNKS_AHEAD
           && z->next_hand < z->end) {
        uint64_t c = chunk_size(z, z->threads[w]);
        if (c == 0) {
            z->waiting[w] = true;
            return;
        }
        uint64_t v[2] = { z->next_hand, c };
        send_small(w, TAG_CHUNK, v, 2);
        z->next_hand += c;
        z->held[w]++;
    }
}

static void deliver(struct leader *z, uint64_t rep, const struct rep_result *res)
{
    z->delivered++;
    z->next_sink++;
    if (!z->b->sink(z->b->ctx, rep, res))
        z->quit = true;
}

/* Deliver what waits in the window in order, then give work to ranks that
 * waited for room. */
static void drain(struct leader *z)
{
    while (!z->quit && z->next_sink < z->end && z->full[z->next_sink % z->window]) {
        uint64_t r = z->next_sink;
        z->full[r % z->window] = false;
        unpack(z->b, z->slot + (r % z->window) * z->rb, r, z->res);
        deliver(z, r, z->res);
    }
    for (int w = 1; w < cl.size; w++)
        if (z->waiting[w])
            hand_out(z, w);
}

static void take_result(struct leader *z, int w)
{
    uint64_t head[4];
    CHECK(buf_get(&z->in, head, sizeof head));
    uint64_t first = head[0], asked = head[1], got = head[2], status = head[3];
    CHECK(got <= asked && z->in.len - z->in.at == got * z->rb);
    if (z->held[w])
        z->held[w]--;
    cl.reps_remote += got;
    if (status == CHUNK_NO_MEMORY)
        cluster_fail("rank %d ran out of memory", w);
    for (uint64_t k = 0; k < got && !z->quit; k++) {
        uint64_t r = first + k;
        const unsigned char *p = z->in.p + z->in.at + k * z->rb;
        CHECK(r >= z->next_sink && r < z->next_sink + z->window);
        if (r == z->next_sink) {
            unpack(z->b, p, r, z->res);
            deliver(z, r, z->res);
        } else {
            memcpy(z->slot + (r % z->window) * z->rb, p, z->rb);
            z->full[r % z->window] = true;
        }
    }
    if (status == CHUNK_STOPPED && !z->stopping && !z->quit && !*z->stop) {
        /* that rank was interrupted (a signal of its own): the whole run
         * stops, as if rank 0 had been */
        *z->stop = SIGTERM;
        progress_erase_async();
        fprintf(stderr, "caseload: rank %d was interrupted: stopping, writing the replications finished so far\n", w);
    }
    drain(z);
    hand_out(z, w);
}

/* Handle every message that has arrived. stopped counts TAG_STOPPED. */
static void serve(struct leader *z, int *stopped)
{
    double t0 = cpu_now(CLOCK_THREAD_CPUTIME_ID);
    for (;;) {
        int flag = 0;
        MPI_Status st;
        mpi_ok(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), "looking for results");
        if (!flag)
            break;
        int len = 0;
        mpi_ok(MPI_Get_count(&st, MPI_BYTE, &len), "receiving results");
        if ((size_t)len > z->in.cap) {
            z->in.p = check_realloc(z->in.p, (size_t)len);
            z->in.cap = (size_t)len;
        }
        mpi_ok(MPI_Recv(z->in.p, len, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
               "receiving results");
        cl.msgs_in++;
        cl.bytes_in += (uint64_t)len;
        z->in.len = (size_t)len;
        z->in.at = 0;
        int w = st.MPI_SOURCE;
        switch (st.MPI_TAG) {
        case TAG_READY: {
            uint64_t threads = get_u64(&z->in), wl = get_u64(&z->in);
            if (threads == 0) {
                char why[CLUSTER_WHY_SIZE] = "";
                CHECK(wl < sizeof why && buf_get(&z->in, why, wl));
                cluster_fail("rank %d: %s", w, why);
            }
            z->threads[w] = (unsigned)threads;
            z->total_threads += (unsigned)threads;
            hand_out(z, w);
            break;
        }
        case TAG_RESULT:
            take_result(z, w);
            break;
        case TAG_STOPPED:
            CHECK(stopped && !z->answered[w]);
            z->answered[w] = true;
            (*stopped)++;
            break;
        default:
            cluster_fail("rank 0 got a message it does not know (tag %d from rank %d)", st.MPI_TAG, w);
        }
    }
    cl.t_serve += cpu_now(CLOCK_THREAD_CPUTIME_ID) - t0;
}

static bool leader_sink(void *ctx, uint64_t rep, const struct rep_result *res)
{
    struct leader *z = ctx;
    if (!z->quit) {
        if (rep == z->next_sink) {
            deliver(z, rep, res);
            drain(z);
        } else {
            pack(z->b, res, z->slot + (rep % z->window) * z->rb);
            z->full[rep % z->window] = true;
        }
    }
    serve(z, NULL);
    return !z->quit;
}

static void nap(void)
{
    struct timespec t = { 0, CLUSTER_NAP_NS };
    nanosleep(&t, NULL);
}

long long batch_run(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                    volatile sig_atomic_t *stop)
{
    if (cl.size <= 1) {
        long long got = batch_run_local(b, first, count, threads, stop);
        cl.reps += got > 0 ? (uint64_t)got : 0;
        return got;
    }
    struct leader z;
    memset(&z, 0, sizeof z);
    z.b = b;
    z.stop = stop;
    z.end = first + count;
    z.next_hand = z.next_sink = first;
    z.rb = rep_bytes(b);
    z.window = CLUSTER_WINDOW_BYTES / (z.rb ? z.rb : 1);
    if (z.window < 1)
        z.window = 1;
    const char *tw = getenv(CLUSTER_TEST_WINDOW_ENV);
    if (tw && atoll(tw) > 0 && (uint64_t)atoll(tw) < z.window)
        z.window = (uint64_t)atoll(tw);
    if (z.window > count)
        z.window = count ? count : 1;
    z.slot = check_calloc((size_t)z.window, z.rb ? z.rb : 1);
    z.full = check_calloc((size_t)z.window, sizeof *z.full);
    z.res = check_calloc(b->n, sizeof *z.res);
    for (size_t i = 0; i < b->n; i++)
        rep_result_alloc(&z.res[i], &b->layout[i]);
    z.threads = check_calloc((size_t)cl.size, sizeof *z.threads);
    z.held = check_calloc((size_t)cl.size, sizeof *z.held);
    z.waiting = check_calloc((size_t)cl.size, sizeof *z.waiting);
    z.answered = check_calloc((size_t)cl.size, sizeof *z.answered);
    z.total_threads = threads ? threads : 1;

    struct buf m = { 0 };
    pack_batch(b, &m);
    for (int w = 1; w < cl.size; w++) {
        mpi_ok(MPI_Send(m.p, (int)m.len, MPI_BYTE, w, TAG_BATCH, MPI_COMM_WORLD), "sending a batch");
        cl.msgs_out++;
        cl.bytes_out += m.len;
    }
    free(m.p);

    struct batch local = *b;
    local.sink = leader_sink;
    local.ctx = &z;
    while (z.next_sink < z.end && !z.quit && !z.no_memory) {
        serve(&z, NULL);
        if (*stop)
            break;
        uint64_t c = z.next_hand < z.end ? chunk_size(&z, threads ? threads : 1) : 0;
        if (c == 0 || z.quit) {
            nap();
            continue;
        }
        uint64_t h = z.next_hand;
        z.next_hand += c;
        long long got = batch_run_local(&local, h, c, threads, stop);
        if (got < 0)
            z.no_memory = true;
        else if ((uint64_t)got < c && !z.quit)
            break;   /* interrupted */
    }
    z.stopping = true;
    /* Every rank says it is done with this batch (a rank that was handed
     * nothing too, so that no message of this batch is left for the
     * next), with the results it finished when the run stops early. When
     * interrupted (mpirun sends SIGTERM to every rank at once), a rank that
     * does not answer in time has died. */
    for (int w = 1; w < cl.size; w++)
        send_small(w, TAG_STOP, NULL, 0);
    int stopped = 0;
    bool interrupted = *stop != 0;
    double deadline = now() + CLUSTER_STOP_WAIT_SECONDS;
    for (;;) {
        serve(&z, &stopped);
        if (stopped == cl.size - 1)
            break;
        if (interrupted && now() > deadline)
            for (int w = 1; w < cl.size; w++)
                if (!z.answered[w])
                    cluster_fail("rank %d did not answer within %.1f s (it died, or lost contact)", w,
                                 CLUSTER_STOP_WAIT_SECONDS);
        interrupted = *stop != 0;
        nap();
    }
    cl.reps += (uint64_t)z.delivered;
    long long delivered = z.no_memory ? -1 : z.delivered;
    for (size_t i = 0; i < b->n; i++)
        rep_result_free(&z.res[i]);
    free(z.res);
    free(z.slot);
    free(z.full);
    free(z.threads);
    free(z.held);
    free(z.waiting);
    free(z.answered);
    free(z.in.p);
    return delivered;
}

/* ---- main ---------------------------------------------------------------- */

bool cluster_terminal(int fd)
{
    if (!getenv("OMPI_COMM_WORLD_SIZE"))
        return isatty(fd);   /* not started by mpirun */
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd/%d", (long)getppid(), fd);
    int f = open(path, O_WRONLY | O_NOCTTY);
    if (f < 0)
        return false;
    bool t = isatty(f);
    close(f);
    return t;
}

/* CASELOAD_MPI_STATS: what rank 0 received and where its CPU time went
 * (CPU, not wall-clock, time: ranks sharing cores with other work wait
 * for them in ways a wall clock would count as serving). */
static void print_stats(void)
{
    double wall = now() - cl.t_start, cpu = cpu_now(CLOCK_PROCESS_CPUTIME_ID);
    double per = cl.reps_remote ? 1.0 / (double)cl.reps_remote : 0;
    fprintf(stderr,
            "caseload-mpi: %d rank%s, %llu replications (%llu by the other ranks) in %.2f s; rank 0 received "
            "%llu messages (%.3g per replication of the other ranks), %llu bytes (%.0f per replication of "
            "theirs), sent %llu messages, %llu bytes; rank 0 used %.2f s of CPU, %.3f s (%.2f%%) of it serving "
            "the other ranks\n",
            cl.size, cl.size == 1 ? "" : "s", (unsigned long long)cl.reps, (unsigned long long)cl.reps_remote, wall,
            (unsigned long long)cl.msgs_in, (double)cl.msgs_in * per, (unsigned long long)cl.bytes_in,
            (double)cl.bytes_in * per, (unsigned long long)cl.msgs_out, (unsigned long long)cl.bytes_out, cpu,
            cl.t_serve, cpu > 0 ? 100 * cl.t_serve / cpu : 0);
}

int cluster_main(int argc, char **argv, int (*command)(int argc, char **argv))
{
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "caseload: MPI could not start (run caseload-mpi under mpirun or srun)\n");
        return EXIT_FAILURE_RUN;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &cl.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &cl.size);
    cl.argc = argc;
    cl.argv = argv;
    cl.t_start = now();
    cl.stats = getenv(CLUSTER_STATS_ENV) != NULL;
    if (provided < MPI_THREAD_FUNNELED)
        cluster_fail("this MPI library cannot be used beside threads (MPI_THREAD_FUNNELED)");
    int rc;
    if (cl.rank == 0) {
        rc = command(argc, argv);
        uint64_t v = (uint64_t)rc;
        for (int w = 1; w < cl.size; w++)
            send_small(w, TAG_DONE, &v, 1);
        if (cl.stats)
            print_stats();
        if (signals_stop && cl.size > 1) {
            /* interrupted: mpirun is ending the job (it sent SIGTERM to
             * every rank), so MPI_Finalize would wait for its SIGKILL */
            fflush(stdout);
            fflush(stderr);
            _exit(rc);
        }
    } else {
        /* standard output is rank 0's: tables and reports appear once */
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            close(null);
        }
        rc = worker_serve();
    }
    MPI_Finalize();
    return rc;
}
