/* Code address -> "file:line (function)" with elfutils' libdwfl, reading the
 * DWARF of every module mapped in this process. Used by the parent process
 * after exploring (never inside an execution). */
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "explorer.h"

static Dwfl *dwfl;
static bool tried;

static Dwfl *get(void) {
  if (tried)
    return dwfl;
  tried = true;
  static const Dwfl_Callbacks cb = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
  };
  dwfl = dwfl_begin(&cb);
  if (!dwfl)
    return NULL;
  if (dwfl_linux_proc_report(dwfl, getpid()) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0) {
    dwfl_end(dwfl);
    dwfl = NULL;
  }
  return dwfl;
}

bool hd__symbolize(uintptr_t pc, bool is_return, char *buf, size_t len) {
  Dwfl *d = get();
  Dwarf_Addr a = (Dwarf_Addr)(is_return && pc ? pc - 1 : pc);
  Dwfl_Module *m = d ? dwfl_addrmodule(d, a) : NULL;
  if (!m) {
    snprintf(buf, len, "0x%lx", (unsigned long)pc);
    return false;
  }
  const char *fn = dwfl_module_addrname(m, a);
  Dwfl_Line *line = dwfl_module_getsrc(m, a);
  int lineno = 0;
  const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
  if (file) {
    const char *slash = strrchr(file, '/');
    const char *shown = file;
    /* Keep the last two path components: enough to find the file. */
    if (slash) {
      const char *p = slash;
      while (p > file && p[-1] != '/')
        p--;
      shown = p > file ? p : file;
    }
    snprintf(buf, len, "%s:%d (%s)", shown, lineno, fn ? fn : "?");
    return true;
  } else {
    const char *mod = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    snprintf(buf, len, "0x%lx %s (%s)", (unsigned long)pc, fn ? fn : "?", mod ? mod : "?");
  }
  return false;
}

bool hd__symbol_name(uintptr_t addr, char *buf, size_t len) {
  Dwfl *d = get();
  Dwfl_Module *m = d ? dwfl_addrmodule(d, (Dwarf_Addr)addr) : NULL;
  if (!m)
    return false;
  GElf_Off off = 0;
  GElf_Sym sym;
  const char *name = dwfl_module_addrinfo(m, (Dwarf_Addr)addr, &off, &sym, NULL, NULL, NULL);
  if (!name || GELF_ST_TYPE(sym.st_info) != STT_OBJECT || (off && off >= sym.st_size))
    return false;
  if (off)
    snprintf(buf, len, "%s+%lu", name, (unsigned long)off);
  else
    snprintf(buf, len, "%s", name);
  return true;
}

bool hd__pc_is_shadow(uintptr_t pc) {
  Dwfl *d = get();
  Dwfl_Module *m = d ? dwfl_addrmodule(d, (Dwarf_Addr)pc) : NULL;
  Dwfl_Line *line = m ? dwfl_module_getsrc(m, (Dwarf_Addr)pc) : NULL;
  const char *file = line ? dwfl_lineinfo(line, NULL, NULL, NULL, NULL, NULL) : NULL;
  return file && strstr(file, "/runtime-shadow/");
}
