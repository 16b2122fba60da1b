#include "jobs/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"

/* Sentences a worker holds at once: one being synthesized and the next ones waiting in its
 * socket, so that it never waits for the parent, which is busy rendering. */
#define PER_WORKER 3
/* The send buffer a worker asks for (the kernel doubles it, within net.core.wmem_max): room
 * for a clip of some 20 s and its measure, so that a worker goes on to its next sentence
 * while the parent is busy, where the default 208 KB (under 5 s of speech) had it wait for
 * the parent to read at the end of nearly every clip. A two-job bulletin of 93 minutes in the
 * broadcast profile, whose parent has the most to do, took 5.9-6.1 s with it and 6.1-6.9 s
 * without. */
#define SEND_ROOM (1 << 20)
/* The bytes of an answer that is not kept (discarded, or the end of a long error message)
 * are read this many at a time. */
#define SINK_BYTES 65536
/* Limits a worker's messages must respect. */
#define MAX_VOICE 64
#define MAX_TEXT (64u * 1024u * 1024u)
#define MAX_RESULT (1ull << 31)

/* The parent's request and the worker's answer, in the machine's own layout (both ends run
 * the same program). */
typedef struct request_head {
    uint64_t seq;
    int32_t rate, pitch, range, word_gap;
    uint32_t voice_len, text_len;
} request_head;

typedef struct result_head {
    uint64_t seq;
    int32_t status;   /* nashra_status; the payload is the error message when not NASHRA_OK */
    uint32_t flags;   /* JOBS_CACHE_* */
    uint64_t len;     /* payload bytes: the samples, then the energies of their measure */
    uint64_t samples; /* of those, 16-bit samples */
    uint64_t start, end, granule; /* the clip's measure (granule 0: none) */
    float peak;
    uint32_t unused;
} result_head;

typedef struct worker {
    pid_t pid;
    int fd;           /* the parent's end of the socket; -1 once closed */
    buf out;          /* requests not yet sent */
    size_t out_off;   /* bytes of out already sent */
    /* The answer being read: its head, of which head_got bytes have come, then body_got
     * bytes of its payload, read straight into its slot. */
    result_head head;
    size_t head_got;
    uint64_t body_got;
    size_t inflight;
} worker;

typedef struct request {
    char *text;
    char voice[MAX_VOICE];
    int rate, pitch, range, word_gap;
    bool looked_up; /* lookup has missed it already */
} request;

typedef struct slot {
    bool ready;
    nashra_status status;
    unsigned flags;
    clip samples;
    char message[sizeof ((nashra_error *)0)->message];
} slot;

struct jobs_pool {
    worker *workers;
    size_t count;
    request *queue;          /* submitted, not yet handed out: [qhead, qlen) */
    size_t qhead, qlen, qcap;
    uint64_t next_submit;    /* the number the next submitted sentence gets */
    uint64_t next_dispatch;  /* the number of queue[qhead] */
    uint64_t next_take;
    slot slots[JOBS_WINDOW];
    uint64_t window;         /* sentences handed out beyond next_take, at most JOBS_WINDOW */
    jobs_lookup_fn lookup;   /* NULL: every sentence goes to a worker */
    void *ctx;
    const volatile sig_atomic_t *cancel;
    unsigned char *sink;     /* SINK_BYTES for what is read and not kept */
    nashra_status broken;    /* a worker failed: every later call fails the same way */
    char broken_message[sizeof ((nashra_error *)0)->message];
};

int jobs_available_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* ---------------------------------------------------------------------------------------- */
/* The worker process.                                                                      */

/* Reads exactly len bytes: 1 when done, 0 at a clean end of input before any, -1 otherwise. */
static int read_exact(int fd, void *data, size_t len)
{
    char *p = data;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && got == 0)
            return 0;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 1;
}

static bool send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Ends a worker with status, its buffers freed first (so that a leak checker sees none),
 * without running exit handlers: espeak-ng must not be terminated in a forked child. */
static _Noreturn void worker_exit(int status, char *text, clip *samples)
{
    free(text);
    clip_free(samples);
    _exit(status);
}

/* Serves requests until the parent closes its end (or goes away), then ends the process. */
static void worker_main(int fd, jobs_work_fn work, void *ctx)
{
    clip samples = CLIP_INIT;
    char *text = NULL;
    size_t text_cap = 0;
    for (;;) {
        request_head h;
        int r = read_exact(fd, &h, sizeof h);
        if (r == 0) /* the parent is done with us */
            worker_exit(0, text, &samples);
        if (r < 0 || h.voice_len == 0 || h.voice_len >= MAX_VOICE || h.text_len > MAX_TEXT)
            worker_exit(3, text, &samples);
        char voice[MAX_VOICE];
        if (h.text_len + 1 > text_cap) {
            free(text);
            text_cap = h.text_len + 1;
            if (!(text = malloc(text_cap)))
                worker_exit(4, NULL, &samples);
        }
        if (read_exact(fd, voice, h.voice_len) != 1 || read_exact(fd, text, h.text_len) != 1)
            worker_exit(3, text, &samples);
        voice[h.voice_len] = '\0';
        text[h.text_len] = '\0';
        synth_params params = {voice, h.rate, h.pitch, h.range, h.word_gap};
        nashra_error e = {0};
        unsigned flags = 0;
        clip_clear(&samples);
        nashra_status st = work(ctx, text, &params, &samples, &flags, &e);
        result_head out = {.seq = h.seq, .status = (int32_t)st, .flags = flags};
        const void *payload = samples.samples;
        const clip_measure *m = &samples.measure;
        size_t energies = 0;
        if (st) {
            payload = e.message;
            out.len = strlen(e.message);
        } else {
            out.samples = samples.len;
            energies = m->granule ? m->count * sizeof *m->energy : 0;
            out.len = (uint64_t)samples.len * sizeof *samples.samples + energies;
            if (m->granule) {
                out.start = m->start;
                out.end = m->end;
                out.granule = m->granule;
                out.peak = m->peak;
            }
        }
        const size_t first = (size_t)out.len - energies;
        if (!send_all(fd, &out, sizeof out) || (first && !send_all(fd, payload, first)) ||
            (energies && !send_all(fd, m->energy, energies)))
            worker_exit(0, text, &samples); /* the parent is gone */
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The parent.                                                                              */

static nashra_status set_broken(jobs_pool *p, nashra_status st, const char *fmt, ...)
    NASHRA_PRINTF(3, 4);

static nashra_status set_broken(jobs_pool *p, nashra_status st, const char *fmt, ...)
{
    if (p->broken)
        return p->broken;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->broken_message, sizeof p->broken_message, fmt, ap);
    va_end(ap);
    p->broken = st;
    return st;
}

static nashra_status fail_broken(const jobs_pool *p, nashra_error *err)
{
    return error_set(err, p->broken, "%s", p->broken_message);
}

/* A worker's socket closed or broke: says how the worker ended. */
static nashra_status worker_lost(jobs_pool *p, size_t i)
{
    worker *w = &p->workers[i];
    close(w->fd);
    w->fd = -1;
    int ws = 0;
    pid_t r = 0;
    /* The socket closes as the process ends; give the kernel a moment to report it. */
    for (int tries = 0; tries < 200 && (r = waitpid(w->pid, &ws, WNOHANG)) == 0; tries++) {
        struct timespec ms = {0, 5 * 1000 * 1000};
        nanosleep(&ms, NULL);
    }
    if (r <= 0 || !(WIFSIGNALED(ws) || WIFEXITED(ws)))
        return set_broken(p, NASHRA_ESYNTH, "synthesis worker %zu (pid %ld) stopped "
                          "answering", i + 1, (long)w->pid);
    w->pid = -1;
    if (WIFSIGNALED(ws))
        return set_broken(p, NASHRA_ESYNTH, "synthesis worker %zu (pid %ld) was killed by "
                          "signal %d (%s)", i + 1, (long)r, WTERMSIG(ws),
                          strsignal(WTERMSIG(ws)));
    return set_broken(p, NASHRA_ESYNTH, "synthesis worker %zu (pid %ld) ended with status %d",
                      i + 1, (long)r, WEXITSTATUS(ws));
}

/* The queue's head is done with: it has the next number. */
static void pop_request(jobs_pool *p)
{
    free(p->queue[p->qhead].text);
    p->queue[p->qhead].text = NULL;
    p->qhead++;
    p->next_dispatch++;
}

/* Answers the queue's head here when lookup can: true when it did. */
static bool look_up(jobs_pool *p)
{
    request *q = &p->queue[p->qhead];
    if (!p->lookup || q->looked_up)
        return false;
    q->looked_up = true;
    slot *s = &p->slots[p->next_dispatch % JOBS_WINDOW];
    const synth_params params = {q->voice, q->rate, q->pitch, q->range, q->word_gap};
    if (!p->lookup(p->ctx, q->text, &params, &s->samples)) {
        clip_clear(&s->samples);
        return false;
    }
    s->ready = true;
    s->status = NASHRA_OK;
    s->flags = 0;
    pop_request(p);
    return true;
}

/* Hands queued sentences to the least busy workers, within the window, once lookup has
 * missed them. */
static nashra_status dispatch(jobs_pool *p)
{
    while (p->qhead < p->qlen && p->next_dispatch < p->next_take + p->window) {
        if (look_up(p))
            continue;
        size_t best = p->count;
        for (size_t i = 0; i < p->count; i++)
            if (p->workers[i].fd >= 0 && p->workers[i].inflight < PER_WORKER &&
                (best == p->count || p->workers[i].inflight < p->workers[best].inflight))
                best = i;
        if (best == p->count)
            break;
        worker *w = &p->workers[best];
        request *q = &p->queue[p->qhead];
        size_t tlen = strlen(q->text), vlen = strlen(q->voice);
        request_head h = {p->next_dispatch, q->rate, q->pitch, q->range, q->word_gap,
                          (uint32_t)vlen, (uint32_t)tlen};
        if (!buf_append(&w->out, (const char *)&h, sizeof h) ||
            !buf_append(&w->out, q->voice, vlen) || !buf_append(&w->out, q->text, tlen))
            return set_broken(p, NASHRA_ENOMEM, "out of memory");
        pop_request(p);
        w->inflight++;
    }
    if (p->qhead == p->qlen)
        p->qhead = p->qlen = 0;
    return NASHRA_OK;
}

static nashra_status flush_worker(jobs_pool *p, size_t i)
{
    worker *w = &p->workers[i];
    while (w->out_off < w->out.len) {
        ssize_t n = send(w->fd, w->out.data + w->out_off, w->out.len - w->out_off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return NASHRA_OK;
        if (n <= 0)
            return worker_lost(p, i);
        w->out_off += (size_t)n;
    }
    buf_clear(&w->out);
    w->out_off = 0;
    return NASHRA_OK;
}

/* The slot the answer being read goes to, or NULL when it is not kept: it was discarded
 * (jobs_discard), maybe while it was being read. */
static slot *answer_slot(jobs_pool *p, const worker *w)
{
    return w->head.seq < p->next_take ? NULL : &p->slots[w->head.seq % JOBS_WINDOW];
}

/* The bytes of an answer's samples, which come first in its payload. */
static uint64_t sample_bytes(const result_head *h)
{
    return h->samples * sizeof(int16_t);
}

/* A whole head has come: checks it and makes its slot ready to take the payload. */
static nashra_status answer_begins(jobs_pool *p, size_t i)
{
    worker *w = &p->workers[i];
    const result_head *h = &w->head;
    if (h->len > MAX_RESULT || h->seq >= p->next_dispatch || !w->inflight ||
        (h->status == NASHRA_OK &&
         (h->samples > h->len / 2 || (h->len - sample_bytes(h)) % sizeof(double) ||
          (h->granule ? h->start > h->end || h->end > h->samples : h->len != sample_bytes(h)))))
        return set_broken(p, NASHRA_ESYNTH, "synthesis worker %zu (pid %ld) sent a garbled "
                          "answer", i + 1, (long)w->pid);
    slot *s = answer_slot(p, w);
    if (!s)
        return NASHRA_OK;
    clip_clear(&s->samples);
    s->message[0] = '\0';
    if (h->status != NASHRA_OK)
        return NASHRA_OK;
    clip_measure *m = &s->samples.measure;
    const size_t count = (size_t)(h->len - sample_bytes(h)) / sizeof(double);
    if ((h->samples && !clip_extend(&s->samples, (size_t)h->samples)) ||
        (h->granule && count && !clip_measure_resize(m, count)))
        return set_broken(p, NASHRA_ENOMEM, "out of memory");
    if (h->granule && count) {
        m->start = (size_t)h->start;
        m->end = (size_t)h->end;
        m->granule = (size_t)h->granule;
        m->peak = h->peak;
    }
    return NASHRA_OK;
}

/* Where the next bytes of the answer being read go, and how many of them may. */
static void *answer_room(jobs_pool *p, worker *w, size_t *room)
{
    if (w->head_got < sizeof w->head) {
        *room = sizeof w->head - w->head_got;
        return (unsigned char *)&w->head + w->head_got;
    }
    const result_head *h = &w->head;
    const uint64_t at = w->body_got, left = h->len - at, samples = sample_bytes(h);
    slot *s = answer_slot(p, w);
    unsigned char *to = p->sink;
    uint64_t fits = SINK_BYTES;
    if (s && h->status != NASHRA_OK && at < sizeof s->message - 1) {
        to = (unsigned char *)s->message + at;
        fits = sizeof s->message - 1 - at;
    } else if (s && h->status == NASHRA_OK && at < samples) {
        to = (unsigned char *)s->samples.samples + at;
        fits = samples - at;
    } else if (s && h->status == NASHRA_OK) {
        to = (unsigned char *)s->samples.measure.energy + (at - samples);
        fits = left;
    }
    *room = (size_t)(left < fits ? left : fits);
    return to;
}

/* The answer being read is whole: its slot is ready, and the next answer's head is read. */
static void answer_ends(jobs_pool *p, worker *w)
{
    slot *s = answer_slot(p, w);
    w->inflight--;
    w->head_got = 0;
    w->body_got = 0;
    if (!s)
        return;
    s->ready = true;
    s->status = (nashra_status)w->head.status;
    s->flags = w->head.flags;
    if (s->status != NASHRA_OK) {
        const size_t n = w->head.len < sizeof s->message - 1 ? (size_t)w->head.len
                                                               : sizeof s->message - 1;
        s->message[n] = '\0';
    }
}

/* Reads what a worker has sent: each answer's head, then its payload straight into the
 * slot it is for (the samples, then the energies of their measure), so that a clip is
 * copied once, by the kernel, on its way to the parent. */
static nashra_status read_worker(jobs_pool *p, size_t i)
{
    worker *w = &p->workers[i];
    for (;;) {
        size_t room;
        void *to = answer_room(p, w, &room);
        ssize_t n = recv(w->fd, to, room, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0)
            return worker_lost(p, i);
        if (w->head_got < sizeof w->head) {
            w->head_got += (size_t)n;
            if (w->head_got < sizeof w->head)
                continue;
            nashra_status rc = answer_begins(p, i);
            if (rc)
                return rc;
        } else {
            w->body_got += (uint64_t)n;
        }
        if (w->body_got == w->head.len)
            answer_ends(p, w);
    }
    return NASHRA_OK;
}

/* Moves requests out and answers in, waiting up to timeout_ms for something to happen. */
static nashra_status pump(jobs_pool *p, int timeout_ms)
{
    nashra_status rc = dispatch(p);
    struct pollfd fds[JOBS_MAX];
    size_t idx[JOBS_MAX], n = 0;
    for (size_t i = 0; !rc && i < p->count; i++) {
        worker *w = &p->workers[i];
        if (w->fd < 0)
            continue;
        if (w->out.len > w->out_off && (rc = flush_worker(p, i)))
            break;
        fds[n] = (struct pollfd){w->fd, POLLIN | (w->out.len > w->out_off ? POLLOUT : 0), 0};
        idx[n++] = i;
    }
    if (rc)
        return rc;
    int r = poll(fds, n, timeout_ms);
    if (r < 0 && errno != EINTR)
        return set_broken(p, NASHRA_ESYNTH, "waiting for the synthesis workers failed: %s",
                          strerror(errno));
    for (size_t k = 0; r > 0 && k < n; k++) {
        size_t i = idx[k];
        if ((fds[k].revents & POLLOUT) && (rc = flush_worker(p, i)))
            return rc;
        if (p->workers[i].fd >= 0 && (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
            (rc = read_worker(p, i)))
            return rc;
    }
    return dispatch(p);
}

/* ---------------------------------------------------------------------------------------- */

/* In a new worker: closes every descriptor but its socket and the standard ones (the
 * parent's output files, its lock, the other workers' sockets). */
static void close_inherited(int keep)
{
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0u, 0);
}

nashra_status jobs_create(int workers, jobs_work_fn work, jobs_lookup_fn lookup, void *ctx,
                          const volatile sig_atomic_t *cancel, jobs_pool **out,
                          nashra_error *err)
{
    *out = NULL;
    if (workers < 1 || workers > JOBS_MAX)
        return error_set(err, NASHRA_EINVAL, "jobs must be between 1 and %d (got %d)", JOBS_MAX,
                         workers);
    jobs_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->workers = calloc((size_t)workers, sizeof *p->workers)) ||
        !(p->sink = malloc(SINK_BYTES))) {
        if (p)
            free(p->workers);
        free(p);
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    }
    p->cancel = cancel;
    p->lookup = lookup;
    p->ctx = ctx;
    /* Enough to keep every worker busy, and no more clips than that held at once. */
    p->window = (uint64_t)workers * (PER_WORKER + 1);
    if (p->window < 8)
        p->window = 8;
    if (p->window > JOBS_WINDOW)
        p->window = JOBS_WINDOW;
    pid_t parent = getpid();
    for (int i = 0; i < workers; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
            nashra_status rc = error_set(err, NASHRA_ESYNTH, "cannot start synthesis workers: "
                                         "%s", strerror(errno));
            jobs_destroy(p);
            return rc;
        }
        int room = SEND_ROOM;
        setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &room, sizeof room);
        /* Workers end with _exit, so nothing buffered in stdio is ever written twice. */
        pid_t pid = fork();
        if (pid < 0) {
            int e = errno;
            close(sv[0]);
            close(sv[1]);
            jobs_destroy(p);
            return error_set(err, NASHRA_ESYNTH, "cannot start synthesis workers: %s",
                             strerror(e));
        }
        if (pid == 0) {
            close(sv[0]);
            close_inherited(sv[1]);
            /* The pool is the parent's; a worker has no use for its copy (which nothing would
             * point to once this frame's registers are reused). */
            free(p->workers);
            free(p->sink);
            free(p);
            /* A worker never outlives the run that started it. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(0);
            worker_main(sv[1], work, ctx);
            _exit(0);
        }
        close(sv[1]);
        fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
        p->workers[i] = (worker){.pid = pid, .fd = sv[0], .out = BUF_INIT};
        p->count++;
    }
    *out = p;
    return NASHRA_OK;
}

nashra_status jobs_submit(jobs_pool *p, const char *text, const synth_params *params,
                          nashra_error *err)
{
    if (p->broken)
        return fail_broken(p, err);
    if (strlen(params->voice) >= MAX_VOICE || strlen(text) > MAX_TEXT)
        return error_set(err, NASHRA_EINVAL, "sentence or voice name too long");
    if (p->qlen == p->qcap) {
        /* Compact before growing: what was handed out is gone. */
        if (p->qhead) {
            memmove(p->queue, p->queue + p->qhead, (p->qlen - p->qhead) * sizeof *p->queue);
            p->qlen -= p->qhead;
            p->qhead = 0;
        }
        if (p->qlen == p->qcap) {
            void *q = array_grow(p->queue, &p->qcap, p->qlen, sizeof *p->queue, 64);
            if (!q)
                return error_set(err, NASHRA_ENOMEM, "out of memory");
            p->queue = q;
        }
    }
    request *q = &p->queue[p->qlen];
    if (!(q->text = strdup(text)))
        return error_set(err, NASHRA_ENOMEM, "out of memory");
    snprintf(q->voice, sizeof q->voice, "%s", params->voice);
    q->rate = params->rate;
    q->pitch = params->pitch;
    q->range = params->range;
    q->word_gap = params->word_gap;
    q->looked_up = false;
    p->qlen++;
    p->next_submit++;
    /* Start the workers at once; nothing waits here. */
    nashra_status rc = pump(p, 0);
    return rc ? fail_broken(p, err) : NASHRA_OK;
}

nashra_status jobs_take(jobs_pool *p, clip *out, unsigned *flags, nashra_error *err)
{
    if (p->next_take == p->next_submit)
        return error_set(err, NASHRA_EINVAL, "no sentence queued for synthesis");
    slot *s = &p->slots[p->next_take % JOBS_WINDOW];
    while (!s->ready) {
        if (p->broken)
            return fail_broken(p, err);
        if (p->cancel && *p->cancel)
            return error_set(err, NASHRA_ECANCELED, "interrupted");
        if (pump(p, 100))
            return fail_broken(p, err);
    }
    s->ready = false;
    p->next_take++;
    if (flags)
        *flags = s->flags;
    if (s->status != NASHRA_OK)
        return error_set(err, s->status, "%s", s->message);
    /* The buffers change hands: no copy. */
    clip mine = *out;
    *out = s->samples;
    s->samples = mine;
    clip_clear(&s->samples);
    /* Let the workers go on while the caller renders. */
    if (pump(p, 0))
        return fail_broken(p, err);
    return NASHRA_OK;
}

void jobs_discard(jobs_pool *p)
{
    for (size_t i = p->qhead; i < p->qlen; i++)
        free(p->queue[i].text);
    p->qhead = p->qlen = 0;
    p->next_take = p->next_submit;
    p->next_dispatch = p->next_submit;
    for (size_t i = 0; i < JOBS_WINDOW; i++) {
        p->slots[i].ready = false;
        clip_clear(&p->slots[i].samples);
    }
}

size_t jobs_worker_count(const jobs_pool *p)
{
    return p->count;
}

pid_t jobs_worker_pid(const jobs_pool *p, size_t i)
{
    return i < p->count ? p->workers[i].pid : -1;
}

void jobs_destroy(jobs_pool *p)
{
    if (!p)
        return;
    /* A closed socket ends a worker once its sentence is done; the rest are killed. */
    for (size_t i = 0; i < p->count; i++)
        if (p->workers[i].fd >= 0) {
            close(p->workers[i].fd);
            p->workers[i].fd = -1;
        }
    for (int tries = 0; tries < 100; tries++) {
        bool left = false;
        for (size_t i = 0; i < p->count; i++) {
            worker *w = &p->workers[i];
            if (w->pid > 0 && waitpid(w->pid, NULL, WNOHANG) != 0)
                w->pid = -1;
            left |= w->pid > 0;
        }
        if (!left)
            break;
        struct timespec ms = {0, 5 * 1000 * 1000};
        nanosleep(&ms, NULL);
    }
    for (size_t i = 0; i < p->count; i++) {
        worker *w = &p->workers[i];
        if (w->pid > 0) {
            kill(w->pid, SIGKILL);
            waitpid(w->pid, NULL, 0);
        }
        buf_free(&w->out);
    }
    for (size_t i = p->qhead; i < p->qlen; i++)
        free(p->queue[i].text);
    for (size_t i = 0; i < JOBS_WINDOW; i++)
        clip_free(&p->slots[i].samples);
    free(p->queue);
    free(p->workers);
    free(p->sink);
    free(p);
}
