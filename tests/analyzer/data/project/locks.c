/* Lock helpers in their own translation unit: the caller's findings need
 * their summaries (computed across TUs). */
#include "shared.h"

void shared_lock(struct shared *s) { pthread_mutex_lock(&s->mu); }

void shared_unlock(struct shared *s) { pthread_mutex_unlock(&s->mu); }
