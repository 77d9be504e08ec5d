/* Each worker thread owns a database connection stored under a pthread key;
 * the query task looks it up once with pthread_getspecific and keeps it in
 * its frame across the await, then is spawned onto the multi-thread executor.
 * Bad: after the await the task may run on another worker and use the first
 * worker's connection concurrently with it. */
#include <pthread.h>
#include <stdio.h>

#include "heddle/heddle.h"

typedef struct db_conn {
  int fd;
  unsigned long queries;
} db_conn;

static pthread_key_t conn_key;

HD_ASYNC_FN(run_query, int, const char *sql; db_conn *conn; hd_sleep io;);
HD_ASYNC(run_query, f, cx, NULL) {
  f->conn = pthread_getspecific(conn_key);
  if (f->conn == NULL)
    HD_RETURN(f, -1);
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 5)); /* the round trip */
  f->conn->queries++;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(dispatcher, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(dispatcher, f, cx, NULL) {
  {
    run_query q;
    HD_ASYNC_INIT(&q, run_query);
    q.sql = "SELECT 1";
    f->h = hd_spawn(&q.hd); /* expect: non-send-spawn */
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
  printf("done\n");
  return 0;
}
