/* The epoll reactor: fd registration, readiness, turn and unpark.
 * The timer heap lives in timer_heap.c; see reactor.h for the contracts. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "io/reactor_impl.h"

#define UNPARK_TOKEN UINT64_MAX
#define MAX_EVENTS 256
#define READ_BITS (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)
#define WRITE_BITS (EPOLLOUT | EPOLLHUP | EPOLLERR)

static _Thread_local hd__reactor *current;

hd__reactor *hd__reactor_current(void) {
  return current;
}
void hd__reactor_set_current(hd__reactor *r) {
  current = r;
}

hd__reactor *hd__reactor_new(void) {
  hd__reactor *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->epfd = epoll_create1(EPOLL_CLOEXEC);
  r->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = UNPARK_TOKEN};
  if (r->epfd < 0 || r->evfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->evfd, &ev) < 0) {
    if (r->epfd >= 0)
      close(r->epfd);
    if (r->evfd >= 0)
      close(r->evfd);
    free(r);
    return NULL;
  }
  atomic_init(&r->notified, false);
  pthread_mutex_init(&r->lock, NULL);
  r->free_head = UINT32_MAX;
  return r;
}

void hd__reactor_free(hd__reactor *r) {
  if (!r)
    return;
  hd__timer_heap_clear(r);
  /* Detach the sources still registered (a stream closed after its
   * runtime is freed must not reach this memory), dropping their wakers
   * as the timer heap does. */
  hd__waker_list orphans = {0};
  pthread_mutex_lock(&r->lock);
  for (uint32_t i = 0; i < r->nslots; i++) {
    hd__io_source *src = r->slots[i].src;
    if (!src)
      continue;
    hd__waker_list_push(&orphans, &src->read_waker);
    hd__waker_list_push(&orphans, &src->write_waker);
    src->reactor = NULL;
    r->slots[i].src = NULL;
  }
  pthread_mutex_unlock(&r->lock);
  for (size_t k = 0; k < orphans.len; k++)
    hd_waker_drop(&orphans.items[k]);
  free(orphans.items);
  if (current == r)
    current = NULL;
  close(r->epfd);
  close(r->evfd);
  pthread_mutex_destroy(&r->lock);
  free(r->slots);
  free(r->heap);
  free(r->fired.items);
  free(r);
}

void hd__waker_list_push(hd__waker_list *l, hd_waker *w) {
  if (hd_waker_is_empty(w))
    return;
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    hd_waker *items = realloc(l->items, cap * sizeof *items);
    if (!items) {
      hd_waker_wake(w);
      return;
    }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->len++] = *w;
  *w = (hd_waker){0};
}

/* A free slot index (growing the table), or UINT32_MAX. Lock held. */
static uint32_t slot_alloc(hd__reactor *r) {
  if (r->free_head != UINT32_MAX) {
    uint32_t i = r->free_head;
    r->free_head = r->slots[i].next_free;
    return i;
  }
  if (r->nslots == UINT32_MAX - 1)
    return UINT32_MAX;
  uint32_t n = r->nslots ? r->nslots * 2 : 64;
  hd__io_slot *slots = realloc(r->slots, (size_t)n * sizeof *slots);
  if (!slots)
    return UINT32_MAX;
  for (uint32_t i = r->nslots; i < n; i++)
    slots[i] = (hd__io_slot){NULL, 0, i + 1 < n ? i + 1 : UINT32_MAX};
  r->slots = slots;
  r->free_head = slots[r->nslots].next_free;
  uint32_t i = r->nslots;
  r->nslots = n;
  return i;
}

int hd__io_source_register(hd__reactor *r, hd__io_source *src, int fd) {
  if (!r || !src)
    return HD_EINVAL;
  if (fd < 0)
    return HD_EBADF;
  *src = (hd__io_source){.fd = fd, .reactor = r, .ready = EPOLLIN | EPOLLOUT};
  pthread_mutex_lock(&r->lock);
  uint32_t i = slot_alloc(r);
  if (i == UINT32_MAX) {
    pthread_mutex_unlock(&r->lock);
    src->reactor = NULL;
    return HD_ENOMEM;
  }
  r->slots[i].src = src;
  src->token = (uint64_t)r->slots[i].gen << 32 | i;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                           .data.u64 = src->token};
  int rc = epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
  int err = errno;
  if (rc < 0) {
    r->slots[i] = (hd__io_slot){NULL, r->slots[i].gen + 1, r->free_head};
    r->free_head = i;
  }
  pthread_mutex_unlock(&r->lock);
  if (rc < 0) {
    src->reactor = NULL;
    return err == EBADF || err == EPERM ? HD_EBADF : err == ENOMEM ? HD_ENOMEM : HD_EIO;
  }
  return 0;
}

void hd__io_source_deregister(hd__io_source *src) {
  if (!src || !src->reactor)
    return;
  hd__reactor *r = src->reactor;
  pthread_mutex_lock(&r->lock);
  uint32_t i = (uint32_t)src->token;
  epoll_ctl(r->epfd, EPOLL_CTL_DEL, src->fd, NULL);
  if (i < r->nslots && r->slots[i].src == src) {
    r->slots[i] = (hd__io_slot){NULL, r->slots[i].gen + 1, r->free_head};
    r->free_head = i;
  }
  hd_waker rw = src->read_waker, ww = src->write_waker;
  src->read_waker = (hd_waker){0};
  src->write_waker = (hd_waker){0};
  src->reactor = NULL;
  pthread_mutex_unlock(&r->lock);
  hd_waker_wake(&rw);
  hd_waker_wake(&ww);
}

static bool poll_ready(hd__io_source *src, hd_context *cx, uint32_t bits, hd_waker *slot,
                       uint32_t *seen) {
  if (!src->reactor)
    return true; /* not registered: let the syscall report the error */
  pthread_mutex_lock(&src->reactor->lock);
  bool ready = src->ready & bits;
  if (ready)
    *seen = src->tick;
  else
    hd_waker_register(slot, cx);
  pthread_mutex_unlock(&src->reactor->lock);
  return ready;
}

bool hd__io_source_poll_read(hd__io_source *src, hd_context *cx) {
  return poll_ready(src, cx, READ_BITS, &src->read_waker, &src->read_tick);
}

bool hd__io_source_poll_write(hd__io_source *src, hd_context *cx) {
  return poll_ready(src, cx, WRITE_BITS, &src->write_waker, &src->write_tick);
}

static void clear_ready(hd__io_source *src, uint32_t bit, const uint32_t *seen) {
  if (!src->reactor)
    return;
  pthread_mutex_lock(&src->reactor->lock);
  if (src->tick == *seen)
    src->ready &= ~bit;
  pthread_mutex_unlock(&src->reactor->lock);
}

void hd__io_source_clear_read(hd__io_source *src) {
  clear_ready(src, EPOLLIN | EPOLLRDHUP, &src->read_tick);
}

void hd__io_source_clear_write(hd__io_source *src) {
  clear_ready(src, EPOLLOUT, &src->write_tick);
}

static void forget(hd__io_source *src, hd_waker *slot) {
  hd__reactor *r = src->reactor;
  if (!r)
    return;
  pthread_mutex_lock(&r->lock);
  hd_waker w = *slot;
  *slot = (hd_waker){0};
  pthread_mutex_unlock(&r->lock);
  hd_waker_drop(&w);
}

void hd__io_source_forget_read(hd__io_source *src) {
  forget(src, &src->read_waker);
}
void hd__io_source_forget_write(hd__io_source *src) {
  forget(src, &src->write_waker);
}

/* Records one epoll event and collects the wakers it concerns. Lock held. */
static void dispatch(hd__reactor *r, const struct epoll_event *ev) {
  uint32_t i = (uint32_t)ev->data.u64;
  if (i >= r->nslots || !r->slots[i].src || r->slots[i].src->token != ev->data.u64)
    return; /* deregistered after epoll_wait returned */
  hd__io_source *src = r->slots[i].src;
  src->ready |= ev->events;
  src->tick++;
  if (ev->events & READ_BITS)
    hd__waker_list_push(&r->fired, &src->read_waker);
  if (ev->events & WRITE_BITS)
    hd__waker_list_push(&r->fired, &src->write_waker);
}

static void drain_unpark(hd__reactor *r) {
  /* Clear the flag first: an unpark racing with the read either lands in
   * the counter we are about to read (this turn returns, as it wanted) or
   * writes again for the next turn. */
  atomic_store(&r->notified, false);
  uint64_t n;
  while (read(r->evfd, &n, sizeof n) == (ssize_t)sizeof n)
    ;
}

int hd__reactor_turn(hd__reactor *r, int timeout_ms) {
  uint64_t deadline;
  uint64_t now = hd__now_ms();
  pthread_mutex_lock(&r->lock);
  if (hd__timer_heap_next(r, &deadline)) {
    uint64_t wait = deadline > now ? deadline - now : 0;
    if (timeout_ms < 0 || wait < (uint64_t)timeout_ms)
      timeout_ms = wait > INT32_MAX ? INT32_MAX : (int)wait;
  }
  r->waiting_until = timeout_ms < 0 ? UINT64_MAX : now + (uint64_t)timeout_ms;
  pthread_mutex_unlock(&r->lock);

  struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait(r->epfd, events, MAX_EVENTS, timeout_ms);
  if (n < 0)
    n = 0; /* EINTR: fire timers and return */

  pthread_mutex_lock(&r->lock);
  r->waiting_until = 0;
  for (int k = 0; k < n; k++) {
    if (events[k].data.u64 == UNPARK_TOKEN)
      drain_unpark(r);
    else
      dispatch(r, &events[k]);
  }
  hd__timer_heap_fire(r, hd__now_ms());
  /* Wake outside the lock, in the order collected (timers by deadline): a
   * woken task may at once register interest again from another thread. */
  hd__waker_list fired = r->fired;
  r->fired = (hd__waker_list){0};
  pthread_mutex_unlock(&r->lock);
  int woken = (int)fired.len;
  for (size_t k = 0; k < fired.len; k++)
    hd_waker_wake(&fired.items[k]);
  fired.len = 0;
  pthread_mutex_lock(&r->lock);
  if (!r->fired.items)
    r->fired = fired; /* keep the buffer for the next turn */
  else
    free(fired.items);
  pthread_mutex_unlock(&r->lock);
  return woken;
}

void hd__reactor_unpark(hd__reactor *r) {
  if (atomic_exchange(&r->notified, true))
    return;
  uint64_t one = 1;
  ssize_t rc = write(r->evfd, &one, sizeof one);
  (void)rc; /* EAGAIN: the counter is saturated, a wake is pending anyway */
}
