/* heddle/heddle.h - the one header user code includes: the whole runtime.
 * Writing a new future by hand needs only heddle/future.h. */
#ifndef HEDDLE_HEDDLE_H
#define HEDDLE_HEDDLE_H

#include "heddle/annotate.h"
#include "heddle/channel.h"
#include "heddle/combinators.h"
#include "heddle/error.h"
#include "heddle/future.h"
#include "heddle/io.h"
#include "heddle/rc.h"
#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "heddle/time.h"

#endif
