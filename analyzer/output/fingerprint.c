/* output/fingerprint.c - partial fingerprints (SHA-256 from libcrypto). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "heddle/error.h"
#include "output/output.h"

/* The line's text without blanks, so re-indentation keeps the hash. */
static void add_line(EVP_MD_CTX *md, const char *line, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t')
      EVP_DigestUpdate(md, &line[i], 1);
}

int hd__fingerprint_apply(hd__findings *fs, const hd__report *r) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!md)
    return HD_ENOMEM;
  int rc = 0;
  for (int i = 0; i < fs->n && rc == 0; i++) {
    hd__finding *f = &fs->v[i];
    const char *id = hd__rules[f->rule].id;
    const char *rel = hd__path_relative(f->loc.file, r->root);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    size_t len = 0;
    const char *line = hd__source_line(r->src, f->loc.file, f->loc.line, &len);
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, id, strlen(id) + 1);
    EVP_DigestUpdate(md, rel, strlen(rel) + 1);
    if (line)
      add_line(md, line, len);
    EVP_DigestFinal_ex(md, digest, &dlen);
    char hex[17];
    for (int b = 0; b < 8; b++)
      snprintf(hex + 2 * b, 3, "%02x", digest[b]);
    /* the n-th finding with this hash (findings are sorted) */
    int occurrence = 1;
    for (int j = 0; j < i; j++)
      if (fs->v[j].fingerprint && strncmp(fs->v[j].fingerprint, hex, 16) == 0)
        occurrence++;
    f->fingerprint = hd__strf("%s:%d", hex, occurrence);
    if (!f->fingerprint)
      rc = HD_ENOMEM;
  }
  EVP_MD_CTX_free(md);
  return rc;
}
