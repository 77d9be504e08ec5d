/* A geo-IP lookup from a third-party library does synchronous disk I/O; its
 * header declares it HD_BLOCKING, and the async request handler calls it for
 * every request. Bad: a function annotated blocking is treated like sleep;
 * the finding is at its call in the async function. */
#include <string.h>

#include "heddle/heddle.h"

/* From the library's header: reads the on-disk database, may take ms. */
int geoip_country(const char *ip, char out[3]) HD_BLOCKING;

int geoip_country(const char *ip, char out[3]) {
  memcpy(out, ip[0] == '1' ? "US" : "DE", 3);
  return 0;
}

HD_ASYNC_FN(tag_request, int, const char *client_ip; char country[3]; hd_yield y;);
HD_ASYNC(tag_request, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  if (geoip_country(f->client_ip, f->country) != 0) /* expect: blocking-in-async */
    HD_RETURN(f, -1);
  HD_RETURN(f, f->country[0] == 'U');
}
HD_ASYNC_END(f)

int main(void) {
  static tag_request t;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&t, tag_request);
  t.client_ip = "10.0.0.1";
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  return 0;
}
