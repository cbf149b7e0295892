/* test-sync-page.c: the sync page against a real passdesk-central started here.
 *
 * argv[1] is the passdesk-central executable. A station with applications accepted before
 * enrollment is enrolled through the page's form, synced with "Sync Now", and its pending
 * count goes to 0; a rejection pulled from the server reaches the application. Screenshots
 * go to <build>/tests/ui/screenshots/sync-*.png for a person to look at.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pd-sync-indicator.h"
#include "pd-sync-page.h"
#include "pd-test-support.h"
#include "sync-test-central.h"

#define WAIT_SECONDS 60
#define N_ACCEPTED   25

static char *screenshot_dir;

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

static void
count_frame_cb (GdkFrameClock *clock,
                guint         *n)
{
  (*n)++;
}

static gboolean
frames_done (gpointer data)
{
  return *(guint *) data >= 2;
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  GskRenderer *renderer;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkFrameClock *clock;
  GdkRGBA background;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (screenshot_dir, name, NULL);
  guint n = 0;
  gulong id;
  int width, height;

  wait_until (mapped, window, "the window to show");
  clock = gtk_widget_get_frame_clock (window);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame_cb), &n);
  /* Asked again until painted: a request made while a frame is being drawn can be lost. */
  for (gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; !frames_done (&n);)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for frames");
      gtk_widget_queue_draw (window);
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_signal_handler_disconnect (clock, id);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (window), "window_bg_color",
                                                 &background));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (GtkWidget *child = gtk_widget_get_first_child (window); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      gtk_widget_snapshot_child (window, child, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot %s (%dx%d)", path, width, height);
}

static GtkWidget *
child (PdSyncPage *page,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), PD_TYPE_SYNC_PAGE, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

static gboolean
page_loaded (gpointer data)
{
  return !pd_sync_page_get_loading (data) && pd_sync_page_get_n_waiting (data) >= 0;
}

static gboolean
has_engine (gpointer data)
{
  return pd_sync_page_get_engine (data) != NULL;
}

static gboolean
all_sent (gpointer data)
{
  PdSyncEngine *engine = pd_sync_page_get_engine (data);

  return pd_sync_engine_get_state (engine) == PD_SYNC_STATE_IDLE &&
         pd_sync_engine_get_pending_count (engine) == 0 && pd_sync_engine_get_last_sync (engine) > 0 &&
         pd_sync_page_get_n_waiting (data) == 0 && !pd_sync_page_get_loading (data);
}

static gboolean
idle_after_pass (gpointer data)
{
  PdSyncEngine *engine = pd_sync_page_get_engine (data);

  return pd_sync_engine_get_state (engine) != PD_SYNC_STATE_SYNCING &&
         gtk_widget_get_sensitive (child (data, "sync_button"));
}

/* What the window owner does: an engine for the device the page enrolled. */
static void
on_enrolled (PdSyncPage *page,
             PdDevice   *device,
             PdStore    *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (store, device, NULL, &error);

  g_assert_no_error (error);
  pd_sync_page_set_engine (page, engine);
}

static const char *
status_title (PdSyncPage *page)
{
  return gtk_label_get_label (GTK_LABEL (child (page, "status_title")));
}

static void
test_sync_page (gconstpointer data)
{
  const char *central_path = data;
  SyncCentral central;
  g_autoptr(PdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autofree char *code = NULL;
  GtkWidget *window, *box, *header;
  PdSyncPage *page;
  PdSyncIndicator *indicator;
  gint64 sync_at;

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  store = sync_open_store (central.tmpdir, "station.db");
  /* Accepted before the station was enrolled: kept here, sent after enrollment. */
  sync_insert_accepted (store, N_ACCEPTED, 2048, "ui");

  window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 900);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  indicator = PD_SYNC_INDICATOR (pd_sync_indicator_new ());
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (indicator));
  gtk_box_append (GTK_BOX (box), header);
  page = g_object_new (PD_TYPE_SYNC_PAGE, "vexpand", TRUE, NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (page));
  adw_window_set_content (ADW_WINDOW (window), box);
  g_signal_connect (page, "enrolled", G_CALLBACK (on_enrolled), store);
  g_object_bind_property (page, "engine", indicator, "engine", G_BINDING_DEFAULT);
  gtk_window_present (GTK_WINDOW (window));

  /* Not enrolled: the form, and what waits counted from the store. */
  pd_sync_page_set_store (page, store, NULL);
  wait_until (page_loaded, page, "the outbox count");
  g_assert_cmpint (pd_sync_page_get_n_waiting (page), ==, N_ACCEPTED);
  g_assert_true (gtk_widget_get_visible (child (page, "enroll_group")));
  g_assert_false (gtk_widget_get_visible (child (page, "sync_button")));
  g_assert_cmpstr (status_title (page), ==, _("Not Enrolled"));
  save_screenshot (window, "sync-not-enrolled.png");

  /* A wrong code: a clear error, still not enrolled. */
  gtk_editable_set_text (GTK_EDITABLE (child (page, "server_entry")), central.url);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "code_entry")), "WRONG-CODE");
  g_signal_emit_by_name (child (page, "enroll_button"), "clicked");
  wait_until ((Condition) gtk_widget_get_visible, child (page, "enroll_error_label"), "the enrollment error");
  g_assert_null (pd_sync_page_get_engine (page));
  g_test_message ("wrong code: %s", gtk_label_get_label (GTK_LABEL (child (page, "enroll_error_label"))));

  /* The right code. */
  code = sync_central_run (&central, "enroll-code", "--office=HN01", NULL);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "code_entry")), code);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "name_entry")), "Quầy 3");
  g_signal_emit_by_name (child (page, "enroll_button"), "clicked");
  wait_until (has_engine, page, "enrollment");
  g_assert_false (gtk_widget_get_visible (child (page, "enroll_group")));
  g_assert_true (gtk_widget_get_visible (child (page, "sync_button")));
  g_assert_true (gtk_widget_get_visible (child (page, "sign_in_group")));

  /* Sync Now: everything goes, the count goes to 0. */
  g_signal_emit_by_name (child (page, "sync_button"), "clicked");
  wait_until (all_sent, page, "the sync");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (page, "waiting_label"))), ==, "0");
  g_assert_cmpstr (status_title (page), ==, _("Everything Sent"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (page, "last_sync_label"))), !=, _("Never"));
  g_assert_false (gtk_widget_get_visible (child (page, "error_row")));
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, N_ACCEPTED);
  g_assert_cmpint (sync_count_status (store, PD_STATUS_RECEIVED), ==, N_ACCEPTED);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (indicator)), ==, _("Everything sent"));
  save_screenshot (window, "sync-done.png");

  /* A rejection decided centrally reaches the application, with its reason. */
  done = pd_store_outbox_list (store, PD_OUTBOX_DONE, 0, 0, 1, &error);
  g_assert_no_error (error);
  {
    PdOutboxEntry *entry = g_ptr_array_index (done, 0);
    g_autofree char *packet = g_strconcat ("--packet=", entry->packet_id, NULL);
    g_autoptr(PdDossier) dossier = NULL;

    g_free (sync_central_run (&central, "set-status", packet, "--status=rejected",
                              "--reason=Ảnh chân dung không đạt chuẩn", NULL));
    sync_at = pd_sync_engine_get_last_sync (pd_sync_page_get_engine (page));
    g_signal_emit_by_name (child (page, "sync_button"), "clicked");
    wait_until (idle_after_pass, page, "the second sync");
    g_assert_cmpint (pd_sync_engine_get_state (pd_sync_page_get_engine (page)), ==, PD_SYNC_STATE_IDLE);
    g_assert_cmpint (pd_sync_engine_get_last_sync (pd_sync_page_get_engine (page)), >=, sync_at);
    dossier = pd_store_get_by_uuid (store, entry->dossier_uuid, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_status (dossier), ==, PD_STATUS_REJECTED);
    g_assert_cmpstr (pd_dossier_get_status_reason (dossier), ==, "Ảnh chân dung không đạt chuẩn");
    g_assert_cmpstr (pd_status_get_label (pd_dossier_get_status (dossier)), !=, "");
  }

  /* The server goes away: the page says so. */
  sync_central_stop (&central);
  g_signal_emit_by_name (child (page, "sync_button"), "clicked");
  wait_until (idle_after_pass, page, "the failed sync");
  g_assert_cmpint (pd_sync_engine_get_state (pd_sync_page_get_engine (page)), ==, PD_SYNC_STATE_OFFLINE);
  g_assert_true (gtk_widget_get_visible (child (page, "error_row")));
  g_assert_cmpstr (status_title (page), ==, _("Offline"));
  save_screenshot (window, "sync-offline.png");

  gtk_window_destroy (GTK_WINDOW (window));
  pd_store_close (store);
  sync_central_clear (&central);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  pd_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();
  if (argc < 2)
    g_error ("usage: test-sync-page PASSDESK-CENTRAL");
  screenshot_dir = g_test_build_filename (G_TEST_BUILT, "ui", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (screenshot_dir, 0755), ==, 0);

  g_test_add_data_func ("/ui/sync-page", argv[1], test_sync_page);
  return g_test_run ();
}
