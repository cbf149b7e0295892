/* pd-language.c: the interface language (Vietnamese by default), chosen before anything is translated.
 *
 * Offices run Passdesk in Vietnamese whatever locale the machine was installed with, so the
 * preference defaults to Vietnamese rather than following the system; English is for
 * trainers and support staff. GNU gettext honours LANGUAGE over the locale, but not when the
 * messages locale is "C": then the C.UTF-8 locale, which every glibc has, is used instead so
 * that LANGUAGE applies. */
#define G_LOG_DOMAIN "pd-language"

#include "config.h"

#include <locale.h>

#include "pd-language.h"

static const char *
known_language (const char *value)
{
  static const char * const languages[] = { PD_LANGUAGE_VIETNAMESE, PD_LANGUAGE_ENGLISH, PD_LANGUAGE_SYSTEM };

  for (guint i = 0; value != NULL && i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (value, languages[i]))
      return languages[i];
  return NULL;
}

const char *
pd_language_apply (GSettings *settings)
{
  g_autofree char *preference = NULL;
  const char *language = known_language (g_getenv ("PASSDESK_LANGUAGE"));
  const char *messages_locale;

  if (language == NULL && settings != NULL)
    {
      preference = g_settings_get_string (settings, "language");
      language = known_language (preference);
    }
  if (language == NULL)
    language = PD_LANGUAGE_VIETNAMESE;
  if (g_str_equal (language, PD_LANGUAGE_SYSTEM))
    return language;

  g_setenv ("LANGUAGE", language, TRUE);
  messages_locale = setlocale (LC_MESSAGES, NULL);
  if (messages_locale == NULL || g_str_equal (messages_locale, "C") || g_str_equal (messages_locale, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
  return language;
}
