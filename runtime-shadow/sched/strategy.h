/* sched/strategy.h - who runs at a new node, per strategy.
 *
 * Called by sched.c only for nodes past the recorded prefix. DFS picks the
 * thread that ran last when it may (no preemption), else the lowest enabled
 * thread that is not asleep; random picks uniformly; PCT runs the enabled
 * thread of highest priority and lowers the running thread's priority at
 * d-1 random change points; replay follows the decoded schedule string at
 * every node with more than one enabled thread. State is per process.
 */
#ifndef HEDDLE_SHADOW_STRATEGY_H
#define HEDDLE_SHADOW_STRATEGY_H

#include "explorer.h"

int hd__strategy_init(const hd_shadow_options *o);
/* A new execution starts (random draws, PCT change points). */
void hd__strategy_begin(hd__explorer *ex);
/* A thread was created (PCT gives it a priority). */
void hd__strategy_thread(unsigned tid);
/* The thread to run at node k, or -1 with *why set (sleep or bound blocked,
 * replay diverged). */
int hd__strategy_pick(hd__explorer *ex, uint32_t k, hd__tset enabled, hd__tset sleep, unsigned prev,
                      hd__end *why);

#endif
