/* main.c: the passdesk program: applies the interface language, then runs PdApplication. */
#define G_LOG_DOMAIN "passdesk"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "pd-application.h"
#include "pd-core.h"
#include "pd-language.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PdApplication) app = NULL;

  if (!pd_core_init ())
    {
      g_printerr ("%s\n", _("Passdesk cannot start: the system has no source of random numbers for encryption. Contact your IT support."));
      return 1;
    }

  /* The app and its .ui templates use the default domain. */
  textdomain (GETTEXT_PACKAGE);
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    pd_language_apply (settings);
  }

  app = pd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
