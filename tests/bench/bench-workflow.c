/* bench-workflow.c: the counter officer's round, citizen after citizen, in one window.
 *
 *   build-aux/session.sh meson test -C BUILD --benchmark bench-workflow -v
 *   build-aux/session.sh meson test -C BUILD --benchmark bench-workflow-gl -v
 *
 * For each of N citizens who declared online (the argument, default 5): Call Next, scan the
 * declaration code, scan the ID card, capture the photo (a file-backed camera on a picture of
 * the photo test set), use it, accept; the slip and the receipt are printed (exported to PDF,
 * standing in for the print dialog's two confirmations). It is pd_ui_counter_round(), the
 * round test-workflow counts and checks. Prints, per round and as medians over the rounds:
 * the officer's actions, the seconds per citizen, and the longest stall of the main loop (a
 * 1 ms watchdog) from the ID card scan, which brings the photo page and starts the camera, to
 * the standard photo cut, and during the acceptance and printing, with the
 * most CPU time the main thread used within one stall ("busy": the application's own work)
 * and how long, in the longest stall, it was runnable but waited for a CPU that other
 * processes held (the rest of a stall is the thread blocked, mostly on the X server).
 *
 * bench-workflow draws with the cairo renderer; bench-workflow-gl with GTK's default GL
 * renderer, which under Xvfb is Mesa's llvmpipe: there the stalls are mostly the software
 * drawing of the 1366x768 window.
 *
 * The main-loop stall of a sync pass is printed by tests/ui/test-workflow-sync (it needs an
 * enrolled station and the central server).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-core.h"
#include "pd-declaration-code.h"
#include "pd-store.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"

#define DEFAULT_CITIZENS 5
#define MAX_ACTIONS      8
#define TARGET_STALL_MS  50.0

static PdWindow *window;
static guint n_tickets;

static const char *family_names[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi" };
static const char *given_names[] = { "Ánh Tuyết", "Thu Hà", "Minh Thư", "Ngọc Lan", "Hồng Nhung",
                                     "Thanh Hương", "Kim Oanh", "Bích Ngọc", "Lan Anh" };

typedef struct
{
  char *name;
  char *id_number;
  char *code;
  char *address;
} Citizen;

static char *
next_ticket (gpointer data)
{
  return g_strdup_printf ("A-%03u", ++n_tickets);
}

static gboolean
store_open (gpointer data)
{
  return pd_window_get_store (window) != NULL || pd_station_get_open_error (pd_window_get_station (window)) != NULL;
}

static double
maximum (GArray *values)
{
  double max = 0;

  for (guint i = 0; i < values->len; i++)
    max = MAX (max, g_array_index (values, double, i));
  return max;
}

int
main (int   argc,
      char *argv[])
{
  guint n_citizens = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : DEFAULT_CITIZENS;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *print_dir = NULL;
  g_autofree Citizen *citizens = NULL;
  g_autoptr(PdApplication) app = NULL;
  gboolean met;
  enum { SECONDS, PHOTO_STALL, PHOTO_BUSY, PHOTO_WAIT, ACCEPT_STALL, ACCEPT_BUSY, ACCEPT_WAIT, ACTIONS,
         N_FIGURES };
  GArray *figures[N_FIGURES];
  static const char *names[] = {
    [SECONDS] = "workflow-seconds-per-citizen", [PHOTO_STALL] = "workflow-photo-stall",
    [PHOTO_BUSY] = "workflow-photo-busy", [PHOTO_WAIT] = "workflow-photo-stall-cpu-wait",
    [ACCEPT_STALL] = "workflow-accept-stall", [ACCEPT_BUSY] = "workflow-accept-busy",
    [ACCEPT_WAIT] = "workflow-accept-stall-cpu-wait", [ACTIONS] = "workflow-actions",
  };

  if (n_citizens == 0 || g_getenv ("PASSDESK_PHOTO_TESTSET") == NULL)
    {
      g_printerr ("Usage: %s [CITIZENS]\n"
                  "with PASSDESK_PHOTO_TESTSET and the tests' environment set: run it with\n"
                  "build-aux/session.sh meson test -C BUILD --benchmark bench-workflow -v\n", argv[0]);
      return 2;
    }
  g_assert_true (pd_core_init ());
  textdomain (GETTEXT_PACKAGE);
  pd_ui_set_wait_seconds (60);

  dir = pd_test_make_tmpdir ();
  db_path = g_build_filename (dir, "passdesk.db", NULL);
  print_dir = g_build_filename (dir, "printed", NULL);
  g_assert_cmpint (g_mkdir_with_parents (print_dir, 0700), ==, 0);

  /* Online declarations, as a sync brings them. */
  citizens = g_new0 (Citizen, n_citizens);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < n_citizens; i++)
      {
        Citizen *c = &citizens[i];

        c->name = g_strdup_printf ("%s Thị %s", family_names[i % G_N_ELEMENTS (family_names)],
                                   given_names[i % G_N_ELEMENTS (given_names)]);
        c->id_number = g_strdup_printf ("001190%06u", 200000 + i);
        c->code = pd_declaration_code_build ("01", 300000 + i, &error);
        g_assert_no_error (error);
        c->address = g_strdup_printf ("Số %u Hàng Bạc, Phường Hoàn Kiếm, Hà Nội", i + 1);
        pd_ui_store_declaration (store, c->name, c->id_number, c->code, c->address);
      }
    pd_store_close (store);
  }

  window = pd_ui_new_window (db_path, &app);
  pd_ui_use_test_photo_profile (window);
  pd_print_queue_set_export_dir (pd_window_get_print_queue (window), print_dir);
  pd_station_set_ticket_source (pd_window_get_station (window), next_ticket, NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1366, 768);
  gtk_window_present (GTK_WINDOW (window));
  pd_ui_wait_until (store_open, NULL, "the store to open");
  g_assert_null (pd_station_get_open_error (pd_window_get_station (window)));
  pd_ui_wait_for_frames (GTK_WIDGET (window));
  pd_ui_show_camera_file (window, "base.png");

  g_print ("bench-workflow: %u citizens in one window, renderer %s\n", n_citizens,
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  for (guint f = 0; f < N_FIGURES; f++)
    figures[f] = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_citizens; i++)
    {
      PdUiRound round = {
        .declaration_code = citizens[i].code,
        .name = citizens[i].name,
        .id_number = citizens[i].id_number,
        .address = citizens[i].address,
      };
      double values[N_FIGURES];

      pd_ui_counter_round (window, &round);
      values[SECONDS] = round.seconds;
      values[PHOTO_STALL] = round.photo_stall_ms;
      values[PHOTO_BUSY] = round.photo_busy_ms;
      values[PHOTO_WAIT] = round.photo_cpu_wait_ms;
      values[ACCEPT_STALL] = round.accept_stall_ms;
      values[ACCEPT_BUSY] = round.accept_busy_ms;
      values[ACCEPT_WAIT] = round.accept_cpu_wait_ms;
      values[ACTIONS] = round.actions;
      for (guint f = 0; f < N_FIGURES; f++)
        g_array_append_val (figures[f], values[f]);
      g_print ("round %u: %u actions, %.2f s; photo analysis: stall %.1f ms (busy %.1f ms, waiting "
               "for a CPU %.1f ms); accept and print: stall %.1f ms (busy %.1f ms, waiting for a CPU "
               "%.1f ms)\n", i + 1, round.actions, round.seconds, round.photo_stall_ms, round.photo_busy_ms,
               round.photo_cpu_wait_ms, round.accept_stall_ms, round.accept_busy_ms, round.accept_cpu_wait_ms);
    }

  for (guint f = 0; f < N_FIGURES; f++)
    {
      if (f == ACTIONS)
        g_print ("%s-max %.0f actions\n", names[f], maximum (figures[f]));
      else if (f == SECONDS)
        g_print ("%s-median %.2f s\n", names[f], pd_test_median (figures[f]));
      else
        g_print ("%s-median %.1f ms\n", names[f], pd_test_median (figures[f]));
      if (f == PHOTO_STALL || f == ACCEPT_STALL)
        g_print ("%s-max %.1f ms\n", names[f], maximum (figures[f]));
    }
  met = maximum (figures[ACTIONS]) <= MAX_ACTIONS;
  g_print ("target: at most %u actions: %s\n", MAX_ACTIONS, met ? "met" : "MISSED");
  g_print ("target: photo analysis stall under %.0f ms (median): %s\n", TARGET_STALL_MS,
           pd_test_median (figures[PHOTO_STALL]) < TARGET_STALL_MS ? "met" : "MISSED");

  for (guint f = 0; f < N_FIGURES; f++)
    g_array_unref (figures[f]);
  for (guint i = 0; i < n_citizens; i++)
    {
      g_free (citizens[i].name);
      g_free (citizens[i].id_number);
      g_free (citizens[i].code);
      g_free (citizens[i].address);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return met ? 0 : 1;
}
