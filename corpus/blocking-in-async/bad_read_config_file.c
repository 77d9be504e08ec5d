/* A reload task re-reads its configuration file with open/read(2) in the
 * async function every few seconds (tokio::fs exists because file reads
 * block: it runs them on spawn_blocking). Bad: read(2) on a regular file
 * blocks the worker on disk I/O. */
#include <fcntl.h>
#include <unistd.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(reload_config, int, const char *path; char buf[4096]; int gen; hd_sleep period;);
HD_ASYNC(reload_config, f, cx, NULL) {
  for (f->gen = 0; f->gen < 3; f->gen++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->period, 2000));
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    ssize_t n = read(fd, f->buf, sizeof f->buf - 1); /* expect: blocking-in-async */
    close(fd);
    f->buf[n > 0 ? n : 0] = '\0';
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static reload_config r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&r, reload_config);
  r.path = "/etc/hostname";
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
