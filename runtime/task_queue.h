/* runtime/task_queue.h - an intrusive FIFO of tasks linked through ->next.
 * Not synchronised: the owner guards it with its own lock. */
#ifndef HEDDLE_RUNTIME_TASK_QUEUE_H
#define HEDDLE_RUNTIME_TASK_QUEUE_H

#include <stddef.h>

#include "task.h"

typedef struct hd__task_queue {
  hd__task *head, *tail;
  size_t len;
} hd__task_queue;

static inline void hd__task_queue_push(hd__task_queue *q, hd__task *t) {
  t->next = NULL;
  if (q->tail)
    q->tail->next = t;
  else
    q->head = t;
  q->tail = t;
  q->len++;
}

static inline hd__task *hd__task_queue_pop(hd__task_queue *q) {
  hd__task *t = q->head;
  if (!t)
    return NULL;
  q->head = t->next;
  if (!q->head)
    q->tail = NULL;
  q->len--;
  t->next = NULL;
  return t;
}

#endif
