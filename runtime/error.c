/* hd_strerror and hd_error_name, generated from heddle/errors.def. */
#include <stddef.h>

#include "heddle/error.h"

const char *hd_strerror(int err) {
  switch (err) {
#define HD_ERROR(name, value, msg)                                                                 \
  case value:                                                                                      \
    return msg;
#include "heddle/errors.def"
#undef HD_ERROR
  }
  return "unknown error";
}

const char *hd_error_name(int err) {
  switch (err) {
#define HD_ERROR(name, value, msg)                                                                 \
  case value:                                                                                      \
    return "HD_" #name;
#include "heddle/errors.def"
#undef HD_ERROR
  }
  return NULL;
}
