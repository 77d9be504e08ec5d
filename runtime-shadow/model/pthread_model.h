/* model/pthread_model.h - the modelled mutex operations, shared by the
 * pthread interposers (pthread.c) and condition variables (cond.c), which
 * release and retake the mutex around a wait. Both are visible operations
 * (they branch, block and make runnable through sched.h). */
#ifndef HEDDLE_SHADOW_PTHREAD_MODEL_H
#define HEDDLE_SHADOW_PTHREAD_MODEL_H

#include <pthread.h>

/* Lock / unlock m for the running simulated thread; pc is the caller's
 * code address for traces and reports. 0, EPERM (not the owner: reported
 * as unlock-wrong-thread) or ENOMEM. */
int hd__mutex_lock(pthread_mutex_t *m, const void *pc);
int hd__mutex_unlock(pthread_mutex_t *m, const void *pc);

#endif
