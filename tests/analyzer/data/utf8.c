/* Columns in SARIF are UTF-16 code units: the call below starts at byte
 * column 16 but UTF-16 column 12 ("Grüße" has two 2-byte characters and
 * the emoji one 4-byte character that is two UTF-16 units). */
#include <pthread.h>

void co_yield(void);
static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;

void worker(void);
void worker(void) {
  pthread_mutex_lock(&big);
/*Grüße😀*/co_yield();
  pthread_mutex_unlock(&big);
}
