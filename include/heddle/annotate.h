/* heddle/annotate.h - annotations the analyzer reads.
 *
 * Each macro expands to __attribute__((annotate("heddle.<what>"))) under
 * clang (the analyzer parses with libclang and reads the attribute from the
 * AST) and to nothing under other compilers. They carry no runtime meaning.
 *
 *   types:      HD_NOT_SEND   values of this type must stay on one thread
 *               HD_SYNC       may be shared between threads without a lock
 *               HD_SEND       may move between threads (the default for
 *                             plain data; stated where it is not obvious)
 *   fields:     HD_OWNED      the frame owns what this pointer points to
 *   futures:    HD_CANCEL_SAFE / HD_CANCEL_UNSAFE on a future type or on
 *               its constructor (tokio's table, method by method)
 *   functions:  HD_BLOCKING       blocks the calling OS thread
 *               HD_AWAIT_MARKER   the await point of HD_AWAIT
 *               HD_SPAWN_SEND     spawns onto the multi-thread executor
 *               HD_SPAWN_LOCAL    spawns pinned to the current worker
 *               HD_BLOCK_ON       runs an executor to completion
 *               HD_CANCELS_CHILD(i)  drops its future argument i (1-based,
 *                             "*" for every future argument) unfinished
 *               HD_LOCK_ACQUIRE / HD_LOCK_RELEASE / HD_LOCK_TRY
 *                             a THREAD-BLOCKING lock taken/released/tried
 *                             (argument 1 is the lock; try: 0 means taken)
 *               HD_ASYNC_LOCK a future type or function whose result is an
 *                             async lock guard (task-aware: it may be held
 *                             across awaits and is never lock-across-await)
 */
#ifndef HEDDLE_ANNOTATE_H
#define HEDDLE_ANNOTATE_H

#if defined(__clang__)
#define HD__ANNOTATE(what) __attribute__((annotate(what)))
#else
#define HD__ANNOTATE(what)
#endif

#define HD_NOT_SEND HD__ANNOTATE("heddle.not_send")
#define HD_SYNC HD__ANNOTATE("heddle.sync")
#define HD_SEND HD__ANNOTATE("heddle.send")
#define HD_OWNED HD__ANNOTATE("heddle.owned")
#define HD_CANCEL_SAFE HD__ANNOTATE("heddle.cancel_safe")
#define HD_CANCEL_UNSAFE HD__ANNOTATE("heddle.cancel_unsafe")
#define HD_BLOCKING HD__ANNOTATE("heddle.blocking")
#define HD_AWAIT_MARKER HD__ANNOTATE("heddle.await")
#define HD_SPAWN_SEND HD__ANNOTATE("heddle.spawn_send")
#define HD_SPAWN_LOCAL HD__ANNOTATE("heddle.spawn_local")
#define HD_BLOCK_ON HD__ANNOTATE("heddle.block_on")
#define HD_CANCELS_CHILD(arg) HD__ANNOTATE("heddle.cancels_child:" #arg)
#define HD_LOCK_ACQUIRE HD__ANNOTATE("heddle.lock_acquire")
#define HD_LOCK_RELEASE HD__ANNOTATE("heddle.lock_release")
#define HD_LOCK_TRY HD__ANNOTATE("heddle.lock_try")
#define HD_ASYNC_LOCK HD__ANNOTATE("heddle.async_lock")

#endif
