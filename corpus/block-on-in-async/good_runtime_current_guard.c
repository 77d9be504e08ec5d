/* A dual-use helper checks hd_runtime_current() and calls hd_block_on only
 * when no runtime drives the calling thread; inside a runtime it queues the
 * work on a channel instead (tokio's Handle::try_current() pattern). Good:
 * from async code hd_runtime_current() is never NULL, so the block_on branch
 * is dead there; the rule's model knows this guard. */
#include "heddle/heddle.h"

typedef struct journal {
  hd_runtime *rt;
  hd_mpsc_sender tx;
} journal;

HD_ASYNC_FN(journal_write, int, journal *j; int rec; hd_mpsc_send send;);
HD_ASYNC(journal_write, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_mpsc_send_init(&f->send, &f->j->tx, &f->rec));
  HD_RETURN(f, f->send.out);
}
HD_ASYNC_END(f)

static int journal_append(journal *j, int rec) {
  if (hd_runtime_current() != NULL)
    return hd_mpsc_try_send(&j->tx, &rec); /* inside a runtime: never block */
  journal_write w;
  HD_ASYNC_INIT(&w, journal_write);
  w.j = j;
  w.rec = rec;
  int rc = hd_block_on(j->rt, &w.hd);
  return rc != 0 ? rc : w.out;
}

HD_ASYNC_FN(service, int, journal *j; hd_yield y;);
HD_ASYNC(service, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, journal_append(f->j, 2));
}
HD_ASYNC_END(f)

int main(void) {
  static journal j;
  static hd_mpsc_receiver rx;
  static service s;
  j.rt = hd_runtime_new_current_thread();
  if (hd_mpsc_unbounded(sizeof(int), &j.tx, &rx) != 0)
    return 1;
  journal_append(&j, 1); /* from main: the block_on branch */
  HD_ASYNC_INIT(&s, service);
  s.j = &j;
  hd_block_on(j.rt, &s.hd);
  hd_mpsc_sender_drop(&j.tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(j.rt);
  return 0;
}
