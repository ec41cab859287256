/* progress.c — the seconds counter of long work.  See progress.h.
 * SPDX-License-Identifier: MIT
 */
#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* Work shorter than this shows nothing: the "over a second". */
#define QUIET_S 1

struct pv_progress {
    char label[200];
    pthread_t thread;
    int running;             /* the thread was started */
    pthread_mutex_t lock;
    pthread_cond_t stop;
    int done;                /* pv_progress_end was called */
    int shown;               /* a line is on the terminal */
};

static void *count(void *arg)
{
    pv_progress *p = arg;
    struct timespec start, at;
    clock_gettime(CLOCK_REALTIME, &start);
    pthread_mutex_lock(&p->lock);
    for (long s = QUIET_S; !p->done; s++) {
        at = start;
        at.tv_sec += s;
        while (!p->done && pthread_cond_timedwait(&p->stop, &p->lock, &at) != ETIMEDOUT)
            ;
        if (p->done)
            break;
        fprintf(stderr, "\rprofviz: %s ... %ld s\033[K", p->label, s);
        fflush(stderr);
        p->shown = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

pv_progress *pv_progress_begin(const char *fmt, ...)
{
    pv_progress *p = pv_xcalloc(1, sizeof *p);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->label, sizeof p->label, fmt, ap);
    va_end(ap);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->stop, NULL);
    /* Without a terminal, or a thread, the work just goes unannounced. */
    p->running = isatty(STDERR_FILENO) && pthread_create(&p->thread, NULL, count, p) == 0;
    return p;
}

void pv_progress_end(pv_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->done = 1;
    pthread_cond_signal(&p->stop);
    pthread_mutex_unlock(&p->lock);
    if (p->running)
        pthread_join(p->thread, NULL);
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    pthread_cond_destroy(&p->stop);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
