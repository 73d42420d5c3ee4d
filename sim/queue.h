/* queue.h — a FIFO of 32-bit values (indices) in a growable ring buffer.
 *
 * Values join at the back and leave at the front; queue_at(q, i) reads the
 * i-th from the front without removing it. The buffer's capacity is a power
 * of two, so an index wraps with a mask; it doubles when full and never
 * shrinks, so a queue reused across runs allocates nothing in steady state.
 * A zeroed struct queue is an empty queue. Push is O(1) amortized, pop and
 * at O(1). Out of memory aborts (check.h). */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct queue {
    uint32_t *buf;
    size_t head, n, cap;   /* cap is 0 or a power of two */
};

/* Add x at the back. */
void queue_push(struct queue *q, uint32_t x);

/* Remove and return the front value; the queue must not be empty (aborts). */
uint32_t queue_pop(struct queue *q);

/* The i-th value from the front, i < q->n. */
static inline uint32_t queue_at(const struct queue *q, size_t i)
{
    return q->buf[(q->head + i) & (q->cap - 1)];
}

/* Replace the i-th value from the front with x, i < q->n (to reorder a
 * queue in place: an insertion by key moves values one place back). */
static inline void queue_set(struct queue *q, size_t i, uint32_t x)
{
    q->buf[(q->head + i) & (q->cap - 1)] = x;
}

/* Empty the queue, keeping its buffer. */
void queue_clear(struct queue *q);

/* Free the buffer; the queue is then empty (zeroed) and may be reused. */
void queue_free(struct queue *q);

#endif
