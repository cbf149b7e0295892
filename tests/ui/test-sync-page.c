/* test-sync-page.c: the sync page against a real passdesk-central started here.
 *
 * argv[1] is the passdesk-central executable. A station with applications accepted before
 * enrollment is enrolled through the page's form, synced with "Sync Now", and its pending
 * count goes to 0; a rejection pulled from the server reaches the application; a packet the
 * server set aside is sent again, then discarded after a confirmation (cancel keeps it). Screenshots
 * go to <build>/tests/ui/screenshots/sync-*.png for a person to look at.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pd-sync-indicator.h"
#include "pd-sync-page.h"
#include "pd-test-support.h"
#include "pd-ui-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-packet.h"
#include "pd-store-private.h"
#include <string.h>

#define WAIT_SECONDS 60
#define N_ACCEPTED   25


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

static gboolean
not_loading (gpointer data)
{
  return !pd_sync_page_get_loading (data);
}

static gboolean
no_set_aside (gpointer data)
{
  return pd_store_outbox_count (data, PD_OUTBOX_SET_ASIDE, NULL) == 0;
}

/* Whether packet @id is in the outbox, in any state. */
static gboolean
outbox_has (PdStore    *store,
            const char *id)
{
  const PdOutboxState states[] = { PD_OUTBOX_PENDING, PD_OUTBOX_SET_ASIDE, PD_OUTBOX_DONE };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = pd_store_outbox_list (store, states[i], 0, 0, 1000, &error);

      g_assert_no_error (error);
      for (guint j = 0; j < list->len; j++)
        if (g_str_equal (((PdOutboxEntry *) g_ptr_array_index (list, j))->packet_id, id))
          return TRUE;
    }
  return FALSE;
}

static gboolean
discard_gone (gpointer page)
{
  return !pd_sync_page_get_loading (page) &&
         pd_ui_find_button (child (page, "set_aside_row"), _("Discard…")) == NULL;
}

static gboolean
dialog_shown (gpointer window)
{
  GtkWindow *dialog = pd_ui_find_message_dialog (window);

  return dialog != NULL && pd_ui_mapped (dialog);
}

/* Clicks the set-aside packet's "Discard…" and answers the dialog with @response; the dialog
 * is saved as @png first when not NULL. */
static void
discard_packet (GtkWidget  *window,
                PdSyncPage *page,
                const char *response,
                const char *png)
{
  GtkWidget *discard = pd_ui_find_button (child (page, "set_aside_row"), _("Discard…"));
  AdwMessageDialog *dialog;

  g_assert_nonnull (discard);
  g_assert_null (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  g_signal_emit_by_name (discard, "clicked");
  pd_ui_wait_until (dialog_shown, window, "the discard dialog");
  dialog = ADW_MESSAGE_DIALOG (pd_ui_find_message_dialog (GTK_WINDOW (window)));
  g_test_message ("%s\n%s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Discard the Packet?"));
  /* It says what is lost: the packet, with the reason the central system gave. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "for good"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "signature does not verify"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "discard"), ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  if (png != NULL)
    {
      pd_ui_wait_for_frames (GTK_WIDGET (dialog));
      pd_ui_save_screenshot (GTK_WIDGET (window), png);
      pd_ui_save_screenshot (GTK_WIDGET (dialog), "sync-discard-dialog.png");
    }
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
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
  guint audit_before;

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
  pd_ui_wait_until (page_loaded, page, "the outbox count");
  g_assert_cmpint (pd_sync_page_get_n_waiting (page), ==, N_ACCEPTED);
  g_assert_true (gtk_widget_get_visible (child (page, "enroll_group")));
  g_assert_false (gtk_widget_get_visible (child (page, "sync_button")));
  g_assert_cmpstr (status_title (page), ==, _("Not Enrolled"));
  pd_ui_save_screenshot (window, "sync-not-enrolled.png");

  /* A wrong code: a clear error, still not enrolled. */
  gtk_editable_set_text (GTK_EDITABLE (child (page, "server_entry")), central.url);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "code_entry")), "WRONG-CODE");
  g_signal_emit_by_name (child (page, "enroll_button"), "clicked");
  pd_ui_wait_until ((PdUiCondition) gtk_widget_get_visible, child (page, "enroll_error_label"), "the enrollment error");
  g_assert_null (pd_sync_page_get_engine (page));
  g_test_message ("wrong code: %s", gtk_label_get_label (GTK_LABEL (child (page, "enroll_error_label"))));

  /* The right code. */
  code = sync_central_run (&central, "enroll-code", "--office=HN01", NULL);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "code_entry")), code);
  gtk_editable_set_text (GTK_EDITABLE (child (page, "name_entry")), "Quầy 3");
  g_signal_emit_by_name (child (page, "enroll_button"), "clicked");
  pd_ui_wait_until (has_engine, page, "enrollment");
  g_assert_false (gtk_widget_get_visible (child (page, "enroll_group")));
  g_assert_true (gtk_widget_get_visible (child (page, "sync_button")));
  g_assert_true (gtk_widget_get_visible (child (page, "sign_in_group")));
  /* The central system believes "accepted by officer1" only from a station where officer1
   * has signed in online. */
  g_object_unref (sync_sign_in (store, pd_sync_engine_get_device (pd_sync_page_get_engine (page)),
                                "officer1", "officer1-demo"));

  /* Sync Now: everything goes, the count goes to 0. */
  g_signal_emit_by_name (child (page, "sync_button"), "clicked");
  pd_ui_wait_until (all_sent, page, "the sync");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (page, "waiting_label"))), ==, "0");
  g_assert_cmpstr (status_title (page), ==, _("Everything Sent"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (page, "last_sync_label"))), !=, _("Never"));
  g_assert_false (gtk_widget_get_visible (child (page, "error_row")));
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, N_ACCEPTED);
  g_assert_cmpint (sync_count_status (store, PD_STATUS_RECEIVED), ==, N_ACCEPTED);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (indicator)), ==, _("Everything sent"));
  pd_ui_save_screenshot (window, "sync-done.png");

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
    pd_ui_wait_until (idle_after_pass, page, "the second sync");
    g_assert_cmpint (pd_sync_engine_get_state (pd_sync_page_get_engine (page)), ==, PD_SYNC_STATE_IDLE);
    g_assert_cmpint (pd_sync_engine_get_last_sync (pd_sync_page_get_engine (page)), >=, sync_at);
    dossier = pd_store_get_by_uuid (store, entry->dossier_uuid, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_status (dossier), ==, PD_STATUS_REJECTED);
    g_assert_cmpstr (pd_dossier_get_status_reason (dossier), ==, "Ảnh chân dung không đạt chuẩn");
    g_assert_cmpstr (pd_status_get_label (pd_dossier_get_status (dossier)), !=, "");
  }

  /* Issue 18, 9: a packet the central system set aside is listed with its reason, and "Send
   * Again" puts it back in the outbox. */
  {
    PdDevice *device = pd_sync_engine_get_device (pd_sync_page_get_engine (page));
    guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
    guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES];
    g_autofree char *id = g_uuid_string_random ();
    g_autofree char *inner = g_strdup_printf ("{\"packet_id\":\"%s\",\"device_id\":\"%s\",\"dossier\":{}}",
                                              id, pd_device_get_device_id (device));
    g_autoptr(PdPacket) packet = NULL;
    g_autofree char *text = NULL;
    gboolean added = FALSE;
    GtkWidget *retry;

    pd_packet_make_sign_keys (public_key, secret_key);
    packet = pd_packet_seal (id, pd_device_get_device_id (device), 1790000000, PD_PACKET_KIND_DOSSIER,
                             inner, strlen (inner), pd_device_get_central_box_public_key (device), secret_key);
    text = pd_packet_to_string (packet);
    g_assert_true (pd_store_outbox_add (store, "packet-import", id, NULL, packet->created_at, text, &added, &error));
    g_assert_no_error (error);
    sync_at = pd_sync_engine_get_last_sync (pd_sync_page_get_engine (page));
    g_signal_emit_by_name (child (page, "sync_button"), "clicked");
    pd_ui_wait_until (idle_after_pass, page, "the sync that sets a packet aside");
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_SET_ASIDE, NULL), ==, 1);
    pd_sync_page_reload (page);
    pd_ui_wait_until (not_loading, page, "the set-aside list");
    g_assert_true (gtk_widget_get_visible (child (page, "set_aside_row")));
    /* Issue 18: not "Everything Sent" while the central system holds something back; the
     * header's indicator in red. */
    g_assert_cmpstr (status_title (page), !=, _("Everything Sent"));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (indicator), "error"));
    /* The rejection pulled before is listed with its reason until someone handles it. */
    g_assert_true (gtk_widget_get_visible (child (page, "rejected_group")));
    pd_ui_save_screenshot (window, "sync-set-aside.png");
    retry = pd_ui_find_button (child (page, "set_aside_row"), _("Send Again"));
    g_assert_nonnull (retry);
    g_signal_emit_by_name (retry, "clicked");
    pd_ui_wait_until (no_set_aside, store, "the packet back in the outbox");
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, 1);

    /* Sent again, set aside again by the real server; "Discard…" asks first. */
    sync_at = pd_sync_engine_get_last_sync (pd_sync_page_get_engine (page));
    g_signal_emit_by_name (child (page, "sync_button"), "clicked");
    pd_ui_wait_until (idle_after_pass, page, "the sync that sets the packet aside again");
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_SET_ASIDE, NULL), ==, 1);
    pd_sync_page_reload (page);
    pd_ui_wait_until (not_loading, page, "the set-aside list");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (child (page, "set_aside_row")), TRUE);
    audit_before = pd_ui_count_audit (store, "packet-discard", NULL, NULL, NULL);

    /* Cancel: the packet stays set aside and listed. */
    discard_packet (window, page, "cancel", "sync-discard-confirm.png");
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_SET_ASIDE, NULL), ==, 1);
    g_assert_true (outbox_has (store, id));
    g_assert_nonnull (pd_ui_find_button (child (page, "set_aside_row"), _("Discard…")));
    g_assert_cmpuint (pd_ui_count_audit (store, "packet-discard", NULL, NULL, NULL), ==, audit_before);

    /* Confirmed: gone from the outbox and from the list, audited as the CLI's discard is. */
    discard_packet (window, page, "discard", NULL);
    pd_ui_wait_until (discard_gone, page, "the packet discarded and the list read again");
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_SET_ASIDE, NULL), ==, 0);
    g_assert_false (outbox_has (store, id));
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, 0);
    g_assert_false (gtk_widget_get_visible (child (page, "set_aside_row")));
    g_assert_cmpuint (pd_ui_count_audit (store, "packet-discard", NULL, NULL, NULL), ==, audit_before + 1);
    g_assert_true (pd_store_audit_verify (store, NULL, &error));
    g_assert_no_error (error);
  }

  /* The server goes away: the page says so. */
  sync_central_stop (&central);
  g_signal_emit_by_name (child (page, "sync_button"), "clicked");
  pd_ui_wait_until (idle_after_pass, page, "the failed sync");
  g_assert_cmpint (pd_sync_engine_get_state (pd_sync_page_get_engine (page)), ==, PD_SYNC_STATE_OFFLINE);
  g_assert_true (gtk_widget_get_visible (child (page, "error_row")));
  g_assert_cmpstr (status_title (page), ==, _("Offline"));
  pd_ui_save_screenshot (window, "sync-offline.png");

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
  pd_ui_set_wait_seconds (WAIT_SECONDS);
  gtk_init ();
  adw_init ();
  if (argc < 2)
    g_error ("usage: test-sync-page PASSDESK-CENTRAL");

  g_test_add_data_func ("/ui/sync-page", argv[1], test_sync_page);
  return g_test_run ();
}
