/* status_line.c - the commands' status line on stderr (status_line.h). */
#include "common/status_line.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATUS_DELAY_S 1.0   /* auto mode: nothing for work shorter than this */
#define STATUS_TTY_MS 250    /* a terminal line is redrawn this often */
#define STATUS_PLAIN_MS 2000 /* plain lines this often */
#define STATUS_MAX 256

double status_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void status_human(char *out, size_t n, double v, const char *unit)
{
    const char *p[] = {"", " k", " M", " G", " T"};
    int i = 0;
    while (v >= (i == 0 ? 100000.0 : 1000.0) && i < 4)
        v /= 1000.0, i++;
    snprintf(out, n, i == 0 ? "%.0f%s%s" : "%.2f%s%s", v, p[i], unit);
}

static void render(struct status_line *l, int last)
{
    char line[STATUS_MAX];
    line[0] = '\0';
    l->format(l->ctx, line, sizeof line, last);
    if (l->tty)
        fprintf(stderr, "\r%s\033[K", line);
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
    l->shown = 1;
}

static void *status_main(void *arg)
{
    struct status_line *l = arg;
    int period = l->tty ? STATUS_TTY_MS : STATUS_PLAIN_MS;
    pthread_mutex_lock(&l->mu);
    while (!l->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)period * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        int rc = pthread_cond_timedwait(&l->cv, &l->mu, &ts);
        if (l->stop)
            break;
        if (rc == ETIMEDOUT &&
            (l->mode == STATUS_FORCED || status_now() - l->t0 >= STATUS_DELAY_S))
            render(l, 0);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

void status_line_start(struct status_line *l, enum status_mode mode, status_format_fn format,
                       void *ctx)
{
    memset(l, 0, sizeof *l);
    l->mode = mode;
    l->format = format;
    l->ctx = ctx;
    l->tty = isatty(STDERR_FILENO);
    l->t0 = status_now();
    if (mode == STATUS_QUIET || (mode == STATUS_AUTO && !l->tty))
        return;
    if (pthread_mutex_init(&l->mu, NULL) != 0)
        return;
    if (pthread_cond_init(&l->cv, NULL) != 0) {
        pthread_mutex_destroy(&l->mu);
        return;
    }
    if (pthread_create(&l->th, NULL, status_main, l) != 0) {
        pthread_cond_destroy(&l->cv);
        pthread_mutex_destroy(&l->mu);
        return;
    }
    l->running = 1;
}

void status_line_stop(struct status_line *l)
{
    if (!l->running)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->th, NULL);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    l->running = 0;
    if (l->mode == STATUS_FORCED) {
        render(l, 1); /* a last figure, even for work shorter than one period */
        if (l->tty)
            fprintf(stderr, "\n");
    } else if (l->tty && l->shown) {
        fprintf(stderr, "\r\033[K"); /* the line goes; the results stay */
    }
    fflush(stderr);
}
