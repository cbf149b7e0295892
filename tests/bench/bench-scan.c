/* bench-scan.c: from the Enter of a scanned declaration code to a filled form, on a store of
 * a busy office's year, and the ID card QR parser's speed.
 *
 *   passdesk-cli demo-data --count 1000000 --db FILE     (once; keep its keyring:
 *                                                          PASSDESK_SESSION_HOME=DIR)
 *   PASSDESK_SESSION_HOME=DIR build-aux/session.sh build/tests/bench/bench-scan --db FILE [--scans N]
 *
 * Adds N declarations with declaration codes to FILE (demo data has none), then, in the real
 * window, types each code with Enter through the keyboard-reader handler (4 ms between
 * keys) and measures from the Enter to the form showing the declaration: reading the code,
 * the lookup in the store on a worker thread, and filling the ~60 rows. Prints median, p95
 * and max; target: under 100 ms. Then parses 1,000,000 ID card QR codes (target: under 1 s).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <adwaita.h>

#include "pd-application.h"
#include "pd-cccd.h"
#include "pd-core.h"
#include "pd-declaration-code.h"
#include "pd-demo.h"
#include "pd-store.h"
#include "pd-ui-test-support.h"
#include "pd-window.h"

#define N_PARSES 1000000

static PdWindow *window;

static gboolean
store_settled (void)
{
  return pd_window_get_store (window) != NULL || pd_station_get_open_error (pd_window_get_station (window)) != NULL;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* The code's keys, then Enter; returns the time of the Enter, in µs. */
static gint64
type_code (const char *code,
           guint32    *clock_ms)
{
  PdScanInput *input = pd_window_get_scan_input (window);
  gint64 enter_at;

  for (const char *p = code; *p; p++)
    {
      *clock_ms += 4;
      pd_scan_input_handle_key (input, gdk_unicode_to_keyval (*p),
                                g_ascii_isupper (*p) ? GDK_SHIFT_MASK : 0, *clock_ms);
    }
  *clock_ms += 4;
  enter_at = g_get_monotonic_time ();
  pd_scan_input_handle_key (input, GDK_KEY_Return, 0, *clock_ms);
  return enter_at;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  int n_scans = 30;
  g_autoptr(GOptionContext) context = g_option_context_new ("--db FILE");
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "The store (made with passdesk-cli demo-data)", "FILE" },
    { "scans", 0, 0, G_OPTION_ARG_INT, &n_scans, "How many scans to time (default 30)", "N" },
    { NULL }
  };
  g_autoptr(PdApplication) app = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  g_autoptr(PdReference) reference = NULL;
  PdStore *store;
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 1, 23, 59, 59);
  guint32 clock_ms = 1000000;
  guint wake;
  gint64 start, count;
  const char *card = "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Số 1 Phố X, Phường Y, Hà Nội|15042021";

  setlocale (LC_ALL, "");
  if (!pd_core_init ())
    return 2;
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db_path == NULL || n_scans < 1)
    {
      g_printerr ("%s\n", error ? error->message : "Give --db FILE and --scans N >= 1");
      return 2;
    }

  gtk_init ();
  adw_init ();
  app = pd_application_new ();
  pd_application_set_database_path (app, db_path);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  window = pd_window_new (app, db_path);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  wake = g_timeout_add (5, wake_cb, NULL);
  while (!store_settled ())
    g_main_context_iteration (NULL, TRUE);
  if (pd_station_get_open_error (pd_window_get_station (window)) != NULL)
    g_error ("Cannot open %s: %s", db_path, pd_station_get_open_error (pd_window_get_station (window))->message);
  store = pd_window_get_store (window);
  count = pd_store_count (store, &error);
  g_assert_no_error (error);

  /* Declarations as the sync would store them, among the demo dossiers. */
  reference = pd_store_get_reference (store);
  for (int i = 0; i < n_scans; i++)
    {
      g_autoptr(PdDossier) declaration = pd_demo_dossier_new (reference, rand, now);
      char *code = pd_declaration_code_generate ("01", &error);

      g_assert_no_error (error);
      /* A declaration waits as a draft; the demo's statuses are those of applications. */
      pd_dossier_set_status (declaration, PD_STATUS_DRAFT);
      pd_dossier_set_field (declaration, PD_FIELD_DECLARATION_CODE, code);
      if (!pd_store_save (store, declaration, "bench", &error))
        g_error ("%s", error->message);
      g_ptr_array_add (codes, code);
    }

  for (int i = 0; i < n_scans; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      gint64 enter_at;
      double ms;

      gtk_widget_activate_action (GTK_WIDGET (window), "win.new-dossier", NULL);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);

      enter_at = type_code (code, &clock_ms);
      while (g_strcmp0 (pd_dossier_get_field (pd_dossier_form_get_dossier (pd_ui_form (window)),
                                              PD_FIELD_DECLARATION_CODE), code) != 0)
        g_main_context_iteration (NULL, TRUE);
      ms = (g_get_monotonic_time () - enter_at) / 1000.0;
      g_array_append_val (times, ms);
      clock_ms += 2000;
    }
  g_source_remove (wake);

  g_array_sort (times, compare_double);
  printf ("store: %" G_GINT64_FORMAT " dossiers in %s\n", count, db_path);
  printf ("scan of a declaration code, Enter to filled form (%d scans): median %.1f ms, p95 %.1f ms, "
          "max %.1f ms (target < 100 ms)\n", n_scans,
          g_array_index (times, double, times->len / 2),
          g_array_index (times, double, MIN (times->len - 1, (guint) (times->len * 0.95))),
          g_array_index (times, double, times->len - 1));

  start = g_get_monotonic_time ();
  for (int i = 0; i < N_PARSES; i++)
    {
      PdCccd *parsed = pd_cccd_parse (card, -1, NULL);

      if (parsed == NULL)
        g_error ("The sample card does not parse");
      pd_cccd_free (parsed);
    }
  printf ("%d ID card QR parses: %.3f s (target < 1 s)\n", N_PARSES,
          (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
