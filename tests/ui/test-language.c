/* test-language.c: the interface is Vietnamese by default whatever the machine's locale (the
 * tests run under C.UTF-8), English when chosen, and PASSDESK_LANGUAGE overrides the
 * preference. Each case runs in its own process: the language is process-wide. */
#include "config.h"

#include <glib/gi18n.h>

#include "pd-core.h"
#include "pd-language.h"

static const char *
apply (const char *preference)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  if (preference != NULL)
    g_settings_set_string (settings, "language", preference);
  return pd_language_apply (settings);
}

static void
check_language (const char *env,
                const char *preference,
                const char *applied,
                const char *sending)
{
  if (g_test_subprocess ())
    {
      if (env != NULL)
        g_setenv ("PASSDESK_LANGUAGE", env, TRUE);
      else
        g_unsetenv ("PASSDESK_LANGUAGE");
      g_unsetenv ("LANGUAGE");
      g_assert_true (pd_core_init ());
      textdomain (GETTEXT_PACKAGE);
      g_assert_cmpstr (apply (preference), ==, applied);
      g_assert_cmpstr (_("Sending"), ==, sending);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_default_vietnamese (void)
{
  check_language (NULL, NULL, "vi", "Gửi hồ sơ");
}

static void
test_english_preference (void)
{
  check_language (NULL, "en", "en", "Sending");
}

static void
test_system_follows_locale (void)
{
  /* The tests run under C.UTF-8, which has no translation. */
  check_language (NULL, "system", "system", "Sending");
}

static void
test_environment_overrides (void)
{
  check_language ("en", "vi", "en", "Sending");
}

static void
test_unknown_environment_ignored (void)
{
  check_language ("klingon", "vi", "vi", "Gửi hồ sơ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/language/default-vietnamese", test_default_vietnamese);
  g_test_add_func ("/language/english-preference", test_english_preference);
  g_test_add_func ("/language/system-follows-locale", test_system_follows_locale);
  g_test_add_func ("/language/environment-overrides", test_environment_overrides);
  g_test_add_func ("/language/unknown-environment-ignored", test_unknown_environment_ignored);
  return g_test_run ();
}
