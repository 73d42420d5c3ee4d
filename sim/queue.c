#include "queue.h"

#include "check.h"

#include <stdlib.h>

/* The ring buffer: the value at position i from the front is at
 * buf[(head + i) & (cap - 1)], for i < n <= cap. On growth the values are
 * copied to the front of a buffer twice the size, in order, so head is 0
 * again. The first buffer holds QUEUE_MIN_CAP values: small enough for a
 * queue per stage, large enough that short queues never grow. */
#define QUEUE_MIN_CAP 64

void queue_push(struct queue *q, uint32_t x)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : QUEUE_MIN_CAP;
        uint32_t *buf = check_malloc(cap * sizeof *buf);
        for (size_t i = 0; i < q->n; i++)
            buf[i] = queue_at(q, i);
        free(q->buf);
        q->buf = buf;
        q->head = 0;
        q->cap = cap;
    }
    q->buf[(q->head + q->n) & (q->cap - 1)] = x;
    q->n++;
}

uint32_t queue_pop(struct queue *q)
{
    CHECK(q->n > 0);
    uint32_t x = q->buf[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
    return x;
}

void queue_clear(struct queue *q) { q->head = q->n = 0; }

void queue_free(struct queue *q)
{
    free(q->buf);
    *q = (struct queue){ 0 };
}
