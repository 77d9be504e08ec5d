/* heddle/error.h - error codes. Calls return 0 (or a count) on success and a
 * negative HD_E* code on failure. A call that returns an error never fires
 * the waker it was given. */
#ifndef HEDDLE_ERROR_H
#define HEDDLE_ERROR_H

enum hd_error {
#define HD_ERROR(name, value, msg) HD_##name = (value),
#include "heddle/errors.def"
#undef HD_ERROR
};

/* A static message for an HD_E* code (or "unknown error"). */
const char *hd_strerror(int err);
/* The symbolic name ("HD_EINVAL") of an HD_E* code, or NULL. */
const char *hd_error_name(int err);

#endif
