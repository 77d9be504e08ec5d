/* A proxy loop selects on hd_read (read what is there) and a shutdown
 * notification, and keeps the bytes it got in a buffer of its own frame
 * until a full 8-byte record is there (tokio: AsyncReadExt::read is
 * cancel-safe, read_exact is not). Good: hd_read takes bytes from the
 * kernel only in the poll that completes, so losing the select loses none. */
#include <stdint.h>
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(proxy, int, hd_stream *s; hd_notify *stop; uint8_t acc[64]; size_t have;
            long records; hd_read rd; hd_notify_notified quit; hd_select sel;);
HD_ASYNC(proxy, f, cx, NULL) {
  for (;;) {
    hd_read_init(&f->rd, f->s, f->acc + f->have, sizeof f->acc - f->have);
    hd_notify_notified_init(&f->quit, f->stop);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rd.hd, &f->quit.hd));
    if (f->sel.winner == 1)
      HD_RETURN(f, 0);
    if (f->rd.out <= 0)
      HD_RETURN(f, (int)f->rd.out);
    f->have += (size_t)f->rd.out;
    while (f->have >= 8) {
      f->records++;
      memmove(f->acc, f->acc + 8, f->have - 8);
      f->have -= 8;
    }
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static hd_notify stop = HD_NOTIFY_INITIALIZER;
  static proxy p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&p, proxy);
  p.s = &a;
  p.stop = &stop;
  hd_block_on(rt, &p.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
