/* pd-core.c: the one call every program that links the core makes first. */
#define G_LOG_DOMAIN "pd-core"

#include "config.h"

#include <locale.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-core.h"

gboolean
pd_core_init (void)
{
  const char *localedir = g_getenv ("PASSDESK_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  return sodium_init () >= 0;
}
