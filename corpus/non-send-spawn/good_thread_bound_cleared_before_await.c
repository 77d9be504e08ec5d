/* A query task borrows the worker's connection from its pthread key only
 * for the synchronous prepare step, clears the frame field before it
 * awaits, and looks the connection up again after the await (the documented
 * fix: thread-bound data is fine between awaits). Good: no path carries the
 * pthread_getspecific result across an await, so the frame is Send. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct db_conn {
  int fd;
  unsigned long prepared, executed;
} db_conn;

static pthread_key_t conn_key;

HD_ASYNC_FN(run_query, int, const char *sql; db_conn *conn; hd_sleep io;);
HD_ASYNC(run_query, f, cx, NULL) {
  f->conn = pthread_getspecific(conn_key);
  if (f->conn == NULL)
    HD_RETURN(f, -1);
  f->conn->prepared++;
  f->conn = NULL; /* do not keep the worker's connection across the await */
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 5));
  db_conn *now = pthread_getspecific(conn_key); /* this worker's, after the await */
  if (now == NULL)
    HD_RETURN(f, -1);
  now->executed++;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(dispatcher, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(dispatcher, f, cx, NULL) {
  {
    run_query q;
    HD_ASYNC_INIT(&q, run_query);
    q.sql = "SELECT 1";
    f->h = hd_spawn(&q.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->j.err);
}
HD_ASYNC_END(f)

int main(void) {
  static dispatcher d;
  pthread_key_create(&conn_key, NULL);
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&d, dispatcher);
  hd_block_on(rt, &d.hd);
  hd_runtime_free(rt);
  return 0;
}
