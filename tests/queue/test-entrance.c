/* test-entrance.c: the entrance page under Xvfb on a real store: tickets printed to PDF, the
 * waiting list, and the appointment slip once the day is full. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "pd-entrance-page.h"
#include "pd-queue-private.h"
#include "pd-test-support.h"

static char *dir;

static gboolean
has_pdf (const char *path)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  return g_file_get_contents (path, &data, &length, NULL) && length > 100 &&
         g_str_has_prefix (data, "%PDF-");
}

static void
wait_for_pdf (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!has_pdf (path))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

/* What pressing @keyval on the page does: the page's shortcut for that key, activated. */
static gboolean
press (GtkWidget *page,
       guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (page);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, page, NULL);
        }
    }
  return FALSE;
}

static void
test_entrance (void)
{
  g_autofree char *db_path = g_build_filename (dir, "entrance.db", NULL);
  g_autofree char *ticket_pdf = g_build_filename (dir, "ticket.pdf", NULL);
  g_autofree char *slip_pdf = g_build_filename (dir, "slip.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open (db_path, PD_STORE_OPEN_CREATE, &error);
  g_autoptr(PdQueue) queue = NULL;
  g_autoptr(PdTicket) called = NULL;
  GtkWidget *window = gtk_window_new ();
  PdEntrancePage *page = g_object_new (PD_TYPE_ENTRANCE_PAGE, NULL);

  g_assert_no_error (error);
  queue = pd_queue_new (store, NULL);
  g_assert_true (pd_queue_set_station (queue, "E", &error));
  g_assert_true (pd_queue_set_capacity (queue, "P", 2, &error));
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  pd_entrance_page_set_queue (page, queue);
  pd_entrance_page_set_print_action (page, PD_PRINT_ACTION_EXPORT, ticket_pdf);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (pd_entrance_page_get_n_waiting (page), ==, 0);

  /* A ticket, printed on the roll. */
  g_assert_true (pd_entrance_page_issue (page, "P", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pd_entrance_page_get_last_issued (page), ==, "EP-001");
  wait_for_pdf (ticket_pdf);
  /* One key per service, no modifier. */
  g_assert_true (press (GTK_WIDGET (page), GDK_KEY_r));
  g_assert_cmpstr (pd_entrance_page_get_last_issued (page), ==, "ER-001");
  g_assert_true (press (GTK_WIDGET (page), GDK_KEY_p));
  g_assert_cmpstr (pd_entrance_page_get_last_issued (page), ==, "EP-002");
  g_assert_false (press (GTK_WIDGET (page), GDK_KEY_x));
  g_assert_cmpuint (pd_entrance_page_get_n_waiting (page), ==, 3);

  /* A counter calls: the list follows the queue. */
  called = pd_queue_call_next (queue, "1", NULL, &error);
  g_assert_cmpstr (called->label, ==, "EP-001");
  g_assert_cmpuint (pd_entrance_page_get_n_waiting (page), ==, 2);

  /* The day is full for P: an appointment slip is printed instead. */
  pd_entrance_page_set_print_action (page, PD_PRINT_ACTION_EXPORT, slip_pdf);
  g_assert_true (pd_entrance_page_issue (page, "P", &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pd_entrance_page_get_last_issued (page), "EP-H"));
  wait_for_pdf (slip_pdf);
  g_assert_cmpuint (pd_entrance_page_get_n_waiting (page), ==, 2);

  /* Unknown service: nothing issued, the reason is given. */
  g_assert_false (pd_entrance_page_issue (page, "Q", &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_UNKNOWN_SERVICE);
  g_clear_error (&error);

  /* Enrolled but cut off from the office's server: the slip comes from this station's
   * share once the booking attempt fails, and is kept to be sent later. */
  {
    g_autoptr(PdSyncClient) client = pd_sync_client_new ("http://127.0.0.1:9", NULL, &error);
    g_autoptr(GPtrArray) unsent = NULL;
    g_autofree char *before = g_strdup (pd_entrance_page_get_last_issued (page));
    g_autofree char *shared_pdf = g_build_filename (dir, "shared-slip.pdf", NULL);
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    g_assert_no_error (error);
    g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_SHARE_FROM, "2000-01-01", &error));
    pd_entrance_page_set_client (page, client);
    pd_entrance_page_set_print_action (page, PD_PRINT_ACTION_EXPORT, shared_pdf);
    g_assert_true (pd_entrance_page_issue (page, "P", &error));
    g_assert_no_error (error);
    while (g_strcmp0 (pd_entrance_page_get_last_issued (page), before) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
    g_assert_true (g_str_has_prefix (pd_entrance_page_get_last_issued (page), "EP-H"));
    wait_for_pdf (shared_pdf);
    unsent = pd_queue_list_offline_appointments (queue, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (unsent->len, ==, 2);
    g_assert_cmpstr (((PdAppointment *) unsent->pdata[1])->reference, ==, pd_entrance_page_get_last_issued (page));
    g_assert_true (((PdAppointment *) unsent->pdata[1])->reserved);
    pd_entrance_page_set_client (page, NULL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  gtk_init ();
  dir = pd_test_make_tmpdir ();
  g_test_add_func ("/queue/entrance", test_entrance);
  return g_test_run ();
}
