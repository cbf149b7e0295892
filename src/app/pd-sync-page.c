/* pd-sync-page.c: the Sending page: the exchange with the central system as the officer sees it. */
#define G_LOG_DOMAIN "pd-sync-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sync/pd-officer.h"
#include "sync/pd-outbox.h"
#include "pd-accessible.h"
#include "pd-format.h"
#include "pd-sign-in-dialog.h"
#include "pd-sync-page.h"

struct _PdSyncPage
{
  GtkWidget             parent_instance;

  GtkImage             *status_icon;
  GtkLabel             *status_title;
  GtkLabel             *status_description;
  GtkButton            *sync_button;
  GtkSpinner           *spinner;
  AdwPreferencesGroup  *rejected_group;
  AdwPreferencesGroup  *enroll_group;
  AdwEntryRow          *server_entry;
  AdwEntryRow          *code_entry;
  AdwEntryRow          *name_entry;
  GtkButton            *enroll_button;
  GtkLabel             *enroll_error_label;
  AdwPreferencesGroup  *sign_in_group;
  AdwEntryRow          *username_entry;
  AdwPasswordEntryRow  *password_entry;
  GtkButton            *sign_in_button;
  GtkLabel             *sign_in_label;
  AdwPreferencesGroup  *status_group;
  GtkLabel             *waiting_label;
  AdwExpanderRow       *set_aside_row;
  GtkLabel             *set_aside_label;
  GtkLabel             *last_sync_label;
  AdwActionRow         *server_row;
  AdwActionRow         *error_row;

  PdStore              *store;
  GSettings            *settings;
  PdSyncEngine         *engine;
  PdStation            *station;   /* (nullable): told of enrollment and sign-in, followed */
  GCancellable         *cancellable;
  GPtrArray            *set_aside_rows;   /* rows added to set_aside_row */
  GPtrArray            *rejected_rows;    /* rows added to rejected_group */
  gboolean              loading;
  gint64                n_waiting;
};

G_DEFINE_FINAL_TYPE (PdSyncPage, pd_sync_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_ENGINE,
  N_PROPS
};

enum {
  ENROLLED,
  SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_loading (PdSyncPage *self,
             gboolean    loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static char *
format_time (gint64 when)
{
  g_autoptr(GDateTime) time = NULL;

  if (when <= 0)
    return g_strdup (_("Never"));
  time = g_date_time_new_from_unix_local (when);
  return g_date_time_format (time, "%d/%m/%Y %H:%M");
}

static void
show_status (PdSyncPage *self,
             const char *icon,
             const char *title,
             const char *description)
{
  /* Called on each of the engine's notifications during a pass: an icon set again is
   * reloaded and redrawn. */
  if (g_strcmp0 (gtk_image_get_icon_name (self->status_icon), icon) != 0)
    gtk_image_set_from_icon_name (self->status_icon, icon);
  gtk_label_set_label (self->status_title, title);
  gtk_label_set_label (self->status_description, description);
  gtk_widget_set_visible (GTK_WIDGET (self->status_description), description != NULL);
}

/* Bad news in red, the rest quiet; set only on change (see show_status()). */
static void
show_alarm (PdSyncPage *self,
            gboolean    alarm)
{
  GtkWidget *icon = GTK_WIDGET (self->status_icon);

  if (alarm == gtk_widget_has_css_class (icon, "error"))
    return;
  gtk_widget_remove_css_class (icon, alarm ? "dim-label" : "error");
  gtk_widget_add_css_class (icon, alarm ? "error" : "dim-label");
}

/* Figures ------------------------------------------------------------------------------------ */

/* The page's figures come from the engine when there is one; before enrollment, from the
 * store (applications accepted and kept here). */
static void
show_waiting (PdSyncPage *self,
              gint64      n_waiting)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n_waiting);

  self->n_waiting = n_waiting;
  gtk_label_set_label (self->waiting_label, count);
}

static void
update (PdSyncPage *self)
{
  PdSyncState state;
  const char *error;
  const char *icon;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *last = NULL;
  g_autofree char *aside = NULL;
  guint pending, set_aside, rejected;

  gtk_widget_set_visible (GTK_WIDGET (self->enroll_group), self->engine == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), self->engine != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button), self->engine != NULL);

  if (self->engine == NULL)
    {
      show_status (self, "network-offline-symbolic", _("Not Enrolled"),
                   _("This station does not send applications yet. Enter the server address and the "
                     "enrollment code your administrator gave you. Accepted applications stay "
                     "encrypted on this computer until then."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->set_aside_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->rejected_group), FALSE);
      show_alarm (self, FALSE);
      adw_action_row_set_subtitle (self->server_row, _("Not enrolled"));
      gtk_spinner_set_spinning (self->spinner, FALSE);
      return;
    }

  state = pd_sync_engine_get_state (self->engine);
  pending = pd_sync_engine_get_pending_count (self->engine);
  set_aside = pd_sync_engine_get_set_aside_count (self->engine);
  error = pd_sync_engine_get_last_error (self->engine);

  switch (state)
    {
    case PD_SYNC_STATE_SYNCING:
      icon = "emblem-synchronizing-symbolic";
      title = g_strdup (_("Sending…"));
      break;
    case PD_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      title = g_strdup (_("Offline"));
      description = g_strdup (_("The central system cannot be reached. Applications wait safely on this "
                                "computer and go as soon as the connection is back."));
      break;
    case PD_SYNC_STATE_ERROR:
      icon = "dialog-warning-symbolic";
      title = g_strdup (_("Sending Needs Attention"));
      description = g_strdup (_("Read the error below and do what it says; if you cannot, call your IT support."));
      break;
    case PD_SYNC_STATE_IDLE:
    default:
      icon = pending == 0 ? "emblem-ok-symbolic" : "mail-send-receive-symbolic";
      if (pending == 0)
        title = g_strdup (_("Everything Sent"));
      else
        title = g_strdup_printf (g_dngettext (NULL, "%u Application Waiting to Be Sent",
                                              "%u Applications Waiting to Be Sent", pending), pending);
      break;
    }
  /* Sent is not the same as taken: what the central system turned down outranks "everything
   * sent" until an officer handles it (offline or failing, the state says what to do first;
   * the list below shows the rejections all the same). */
  rejected = pd_sync_engine_get_rejected_count (self->engine);
  if (rejected > 0 && state == PD_SYNC_STATE_IDLE)
    {
      g_free (title);
      g_free (description);
      icon = "dialog-error-symbolic";
      title = g_strdup_printf (g_dngettext (NULL, "%u Application Rejected by the Central System",
                                            "%u Applications Rejected by the Central System", rejected),
                               rejected);
      description = g_strdup (_("Call the citizen with the details below and agree on what to do, "
                                "then mark the rejection handled."));
    }
  else if (set_aside > 0 && state == PD_SYNC_STATE_IDLE)
    {
      g_free (title);
      g_free (description);
      icon = "dialog-error-symbolic";
      title = g_strdup_printf (g_dngettext (NULL, "%u Packet Set Aside by the Central System",
                                            "%u Packets Set Aside by the Central System", set_aside),
                               set_aside);
      description = g_strdup (_("Read why below: send it again once the cause is fixed, or call your supervisor."));
    }
  show_status (self, icon, title, description);
  show_alarm (self, rejected + set_aside > 0 && state == PD_SYNC_STATE_IDLE);
  gtk_spinner_set_spinning (self->spinner, state == PD_SYNC_STATE_SYNCING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), state != PD_SYNC_STATE_SYNCING);

  show_waiting (self, pending);
  aside = g_strdup_printf ("%u", set_aside);
  gtk_label_set_label (self->set_aside_label, aside);
  gtk_widget_set_visible (GTK_WIDGET (self->set_aside_row), set_aside > 0);
  last = format_time (pd_sync_engine_get_last_sync (self->engine));
  gtk_label_set_label (self->last_sync_label, last);
  adw_action_row_set_subtitle (self->server_row, pd_sync_engine_get_server_url (self->engine));
  gtk_widget_set_visible (GTK_WIDGET (self->error_row), error != NULL);
  if (error != NULL)
    adw_action_row_set_subtitle (self->error_row, error);
}

/* Set-aside packets and rejected applications: listed in a thread (the store), shown with
 * their reasons. */

typedef struct {
  PdSyncEngine *engine;
  PdStore      *store;   /* nullable */
} ListJob;

typedef struct {
  GPtrArray *set_aside;   /* PdSyncSetAside */
  GPtrArray *rejected;    /* PdDossier */
} Listed;

static void
list_job_free (ListJob *job)
{
  g_clear_object (&job->engine);
  g_clear_object (&job->store);
  g_free (job);
}

static void
listed_free (Listed *listed)
{
  g_clear_pointer (&listed->set_aside, g_ptr_array_unref);
  g_clear_pointer (&listed->rejected, g_ptr_array_unref);
  g_free (listed);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listed, listed_free)

/* A few hundred rows at most are useful to read; the counts say the rest. */
#define MAX_ROWS 200

static void
list_set_aside_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ListJob *job = task_data;
  g_autoptr(Listed) listed = g_new0 (Listed, 1);
  GError *error = NULL;

  listed->set_aside = pd_sync_engine_list_set_aside (job->engine, &error);
  if (listed->set_aside == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->store != NULL)
    {
      listed->rejected = pd_store_list_unhandled_rejections (job->store, MAX_ROWS, &error);
      if (listed->rejected == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&listed), (GDestroyNotify) listed_free);
}

/* A packet set aside goes back to the outbox: the next sync sends it again (a packet refused
 * while the central system's keys or lists were out of date may pass then). Or it is
 * discarded, as `passdesk-cli outbox discard` does: both through the same core call, audited
 * with who is signed in. */
static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PdStore *store = g_object_get_data (G_OBJECT (task), "store");
  gboolean discard = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "discard"));
  g_autoptr(PdOfficer) officer = pd_officer_get_current (store, NULL, NULL, NULL);
  const char *actor = officer ? pd_officer_get_username (officer) : g_get_user_name ();
  GError *error = NULL;

  if (!(discard ? pd_outbox_discard_set_aside : pd_outbox_retry_set_aside) (store, task_data, actor, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot %s the packet: %s",
               g_object_get_data (G_OBJECT (result), "discard") ? "discard" : "send again", error->message);
  pd_sync_page_reload (self);
}

static void
resolve (PdSyncPage *self,
         GtkWidget  *button,
         gboolean    discard)
{
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;
  gtk_widget_set_sensitive (button, FALSE);
  task = g_task_new (NULL, NULL, resolve_cb, g_object_ref (self));
  g_task_set_source_tag (task, resolve);
  g_task_set_task_data (task, g_strdup (g_object_get_data (G_OBJECT (button), "packet-id")), g_free);
  g_object_set_data_full (G_OBJECT (task), "store", g_object_ref (self->store), g_object_unref);
  g_object_set_data (G_OBJECT (task), "discard", GINT_TO_POINTER (discard));
  g_task_run_in_thread (task, resolve_thread);
}

static void
on_retry_clicked (GtkButton  *button,
                  PdSyncPage *self)
{
  resolve (self, GTK_WIDGET (button), FALSE);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PdSyncPage       *self)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (dialog), "pd-button");

  if (g_strcmp0 (response, "discard") == 0 && button != NULL)
    resolve (self, button, TRUE);
}

/* Nothing brings a discarded packet back: the officer is asked first, and told what goes. */
static void
on_discard_clicked (GtkButton  *button,
                    PdSyncPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  const char *reason = g_object_get_data (G_OBJECT (button), "reason");
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  /* What goes is the packet and the reason; an application still accepted here is sealed
   * again by the next pass's recovery (pd_outbox_recover()), and the officer is told so. */
  body = g_strdup_printf (_("The central system set aside the packet of application %s: “%s”\n\n"
                            "Discarding deletes this packet and the central system's reason from "
                            "the outbox for good. The application itself stays on this station; "
                            "while it is accepted, the next sync seals it again in a new packet. "
                            "This cannot be undone."),
                          (const char *) g_object_get_data (G_OBJECT (button), "short-id"),
                          reason ? reason : _("No reason given"));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Discard the Packet?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "pd-button", g_object_ref (button), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Handling a rejection: the officer writes what was done, the store keeps it with the audit
 * row, and the counts follow. */

typedef struct {
  PdStore *store;
  gint64   id;
  char    *actor;
  char    *note;
} HandleJob;

static void
handle_job_free (HandleJob *job)
{
  g_clear_object (&job->store);
  g_free (job->actor);
  g_free (job->note);
  g_free (job);
}

static void
handle_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  HandleJob *job = task_data;
  GError *error = NULL;

  if (!pd_store_handle_rejection (job->store, job->id, job->actor, job->note, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
handle_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                _("The Rejection Was Not Marked Handled"), error->message));

      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  if (self->engine != NULL)
    pd_sync_engine_recount (self->engine);
  pd_sync_page_reload (self);
}

static const char *
actor (PdSyncPage *self)
{
  const char *name = self->station != NULL ? pd_station_get_actor (self->station) : NULL;

  return name != NULL ? name : g_get_user_name ();
}

void
pd_sync_page_handle_rejection (PdSyncPage *self,
                               gint64      id,
                               const char *note)
{
  g_autoptr(GTask) task = NULL;
  HandleJob *job;

  g_return_if_fail (PD_IS_SYNC_PAGE (self));

  if (self->store == NULL)
    return;
  job = g_new0 (HandleJob, 1);
  job->store = g_object_ref (self->store);
  job->id = id;
  job->actor = g_strdup (actor (self));
  job->note = g_strdup (note);
  task = g_task_new (NULL, NULL, handle_cb, g_object_ref (self));
  g_task_set_source_tag (task, pd_sync_page_handle_rejection);
  g_task_set_task_data (task, job, (GDestroyNotify) handle_job_free);
  g_task_run_in_thread (task, handle_thread);
}

static void
note_changed_cb (GtkEditable      *note,
                 AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (note)));

  adw_message_dialog_set_response_enabled (dialog, "handled", *text != '\0');
}

static void
handle_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PdSyncPage       *self)
{
  GtkEditable *note = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "dossier-id"));

  if (g_strcmp0 (response, "handled") == 0)
    pd_sync_page_handle_rejection (self, id, gtk_editable_get_text (note));
}

static void
on_handle_clicked (GtkButton  *button,
                   PdSyncPage *self)
{
  PdDossier *dossier = g_object_get_data (G_OBJECT (button), "dossier");
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *note;

  /* Translators: %s is the citizen's name. */
  body = g_strdup_printf (_("Write what was done for %s: who was called, and what was agreed. "
                            "The note is kept with your name; the application leaves this list."),
                          pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME)
                            ? pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME) : "?");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("Mark the Rejection Handled?"), body));
  note = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("e.g. Called at 14:10, brings a new photo on Monday"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (note), GTK_ACCESSIBLE_PROPERTY_LABEL, _("What was done"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (note), TRUE);
  adw_message_dialog_set_extra_child (dialog, note);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "handled", _("_Mark Handled"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "handled", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "handled", FALSE);
  adw_message_dialog_set_default_response (dialog, "handled");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "dossier-id", GSIZE_TO_POINTER (pd_dossier_get_id (dossier)));
  g_signal_connect (note, "changed", G_CALLBACK (note_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (handle_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (note);
}

static GtkWidget *
rejected_row_new (PdSyncPage *self,
                  PdDossier  *dossier)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *handle = gtk_button_new_with_mnemonic (_("Mark _Handled…"));
  const char *name = pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME);
  const char *receipt = pd_dossier_get_application_number (dossier);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = pd_format_rejection (dossier);

  if (pd_dossier_get_purged (dossier) || name == NULL)
    name = _("(personal data erased)");
  title = receipt != NULL ? g_strdup_printf ("%s · %s", name, receipt) : g_strdup (name);
  /* Markup is off: a name or a reason is text, whatever it holds. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 6);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_set_valign (handle, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (handle), "dossier", g_object_ref (dossier), g_object_unref);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), handle);
  gtk_widget_set_tooltip_text (handle, _("Once the citizen is called: write what was agreed"));
  g_signal_connect (handle, "clicked", G_CALLBACK (on_handle_clicked), self);
  return row;
}

static void
list_set_aside_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Listed) listed = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  for (guint i = 0; i < self->set_aside_rows->len; i++)
    adw_expander_row_remove (self->set_aside_row, g_ptr_array_index (self->set_aside_rows, i));
  g_ptr_array_set_size (self->set_aside_rows, 0);
  for (guint i = 0; i < self->rejected_rows->len; i++)
    adw_preferences_group_remove (self->rejected_group, g_ptr_array_index (self->rejected_rows, i));
  g_ptr_array_set_size (self->rejected_rows, 0);
  if (listed == NULL)
    {
      g_warning ("Cannot list the set-aside packets: %s", error->message);
      set_loading (self, FALSE);
      return;
    }
  /* The store's count now: the engine's catches up at its next pass, and a packet sent again
   * or discarded here must not stay counted until then. */
  {
    g_autofree char *aside = g_strdup_printf ("%u", listed->set_aside->len);

    gtk_label_set_label (self->set_aside_label, aside);
    gtk_widget_set_visible (GTK_WIDGET (self->set_aside_row), listed->set_aside->len > 0);
  }
  for (guint i = 0; i < MIN (listed->set_aside->len, MAX_ROWS); i++)
    {
      PdSyncSetAside *item = g_ptr_array_index (listed->set_aside, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Application %.8s"),
                                                item->dossier_uuid ? item->dossier_uuid : item->packet_id);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), item->reason ? item->reason : _("No reason given"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      if (self->store != NULL)
        {
          GtkWidget *retry = gtk_button_new_with_label (_("Send Again"));
          GtkWidget *discard;

          gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (retry, _("Put this packet back in the outbox; the next sync sends it"));
          g_object_set_data_full (G_OBJECT (retry), "packet-id", g_strdup (item->packet_id), g_free);
          g_signal_connect (retry, "clicked", G_CALLBACK (on_retry_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);

          discard = gtk_button_new_with_label (_("Discard…"));
          gtk_widget_add_css_class (discard, "destructive-action");
          gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (discard, _("Delete this packet from the outbox for good; you are asked first"));
          g_object_set_data_full (G_OBJECT (discard), "packet-id", g_strdup (item->packet_id), g_free);
          g_object_set_data_full (G_OBJECT (discard), "short-id",
                                  g_strndup (item->dossier_uuid ? item->dossier_uuid : item->packet_id, 8), g_free);
          g_object_set_data_full (G_OBJECT (discard), "reason", g_strdup (item->reason), g_free);
          g_signal_connect (discard, "clicked", G_CALLBACK (on_discard_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
        }
      adw_expander_row_add_row (self->set_aside_row, row);
      g_ptr_array_add (self->set_aside_rows, row);
    }
  for (guint i = 0; listed->rejected != NULL && i < listed->rejected->len; i++)
    {
      GtkWidget *row = rejected_row_new (self, g_ptr_array_index (listed->rejected, i));

      adw_preferences_group_add (self->rejected_group, row);
      g_ptr_array_add (self->rejected_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_group), self->rejected_rows->len > 0);
  set_loading (self, FALSE);
}

static void
load_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 counts[PD_N_STATUSES];

  if (!pd_store_count_by_status (task_data, counts, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, counts[PD_STATUS_ACCEPTED]);
}

static void
load_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  if (n < 0)
    {
      g_autofree char *description =
        g_strdup_printf (_("The outbox could not be read: %s. Close Passdesk and open it again; "
                           "if this keeps happening, call your IT support."), error->message);

      show_status (self, "dialog-warning-symbolic", _("Outbox Unavailable"), description);
      gtk_label_set_label (self->waiting_label, "?");
      return;
    }
  show_waiting (self, n);
}

void
pd_sync_page_reload (PdSyncPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SYNC_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  update (self);

  if (self->engine != NULL)
    {
      ListJob *job = g_new0 (ListJob, 1);

      job->engine = g_object_ref (self->engine);
      job->store = self->store != NULL ? g_object_ref (self->store) : NULL;
      set_loading (self, TRUE);
      task = g_task_new (NULL, self->cancellable, list_set_aside_cb, g_object_ref (self));
      g_task_set_source_tag (task, pd_sync_page_reload);
      g_task_set_task_data (task, job, (GDestroyNotify) list_job_free);
      g_task_run_in_thread (task, list_set_aside_thread);
    }
  else if (self->store != NULL)
    {
      set_loading (self, TRUE);
      task = g_task_new (NULL, self->cancellable, load_store_cb, g_object_ref (self));
      g_task_set_source_tag (task, pd_sync_page_reload);
      g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, load_store_thread);
    }
}

/* Actions ------------------------------------------------------------------------------------ */

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* Failures show through the engine's state and last error. */
  pd_sync_engine_sync_finish (PD_SYNC_ENGINE (object), result, &report, &error);
  if (self->engine == PD_SYNC_ENGINE (object))
    pd_sync_page_reload (self);
}

static void
on_sync_clicked (PdSyncPage *self)
{
  if (self->engine == NULL || pd_sync_engine_get_state (self->engine) == PD_SYNC_STATE_SYNCING)
    return;
  pd_sync_engine_sync_async (self->engine, PD_SYNC_ALL, NULL, sync_cb, g_object_ref (self));
}

static void
enroll_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = pd_device_enroll_finish (result, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->enroll_group), TRUE);
  if (device == NULL)
    {
      gtk_label_set_label (self->enroll_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->enroll_error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->enroll_error_label), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "server-url", pd_device_get_server_url (device));
  if (self->station != NULL)
    pd_station_enroll (self->station, device);
  g_signal_emit (self, signals[ENROLLED], 0, device);
}

static void
on_enroll_clicked (PdSyncPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_entry));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));

  if (self->store == NULL)
    return;
  if (*url == '\0' || *code == '\0')
    {
      gtk_label_set_label (self->enroll_error_label,
                           _("Enter both the server address and the enrollment code from your administrator."));
      gtk_widget_set_visible (GTK_WIDGET (self->enroll_error_label), TRUE);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->enroll_group), FALSE);
  pd_device_enroll_async (self->store, url, NULL, code, *name ? name : NULL, NULL, enroll_cb,
                          g_object_ref (self));
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdOfficer) officer = pd_officer_sign_in_finish (result, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_group), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  if (officer == NULL)
    {
      gtk_label_set_label (self->sign_in_label, error->message);
      return;
    }
  pd_sync_page_set_officer (self, officer);
  if (self->engine != NULL)
    pd_sync_engine_set_token (self->engine, pd_officer_get_token (officer));
  if (self->station != NULL)
    pd_station_sign_in (self->station, officer);
  g_signal_emit (self, signals[SIGNED_IN], 0, officer);
}

static void
station_engine_changed_cb (PdSyncPage *self)
{
  pd_sync_page_set_engine (self, pd_station_get_sync_engine (self->station));
}

static void
station_officer_changed_cb (PdSyncPage *self)
{
  pd_sync_page_set_officer (self, pd_station_get_officer (self->station));
}

void
pd_sync_page_set_station (PdSyncPage *self,
                          PdStation  *station)
{
  g_return_if_fail (PD_IS_SYNC_PAGE (self));
  g_return_if_fail (PD_IS_STATION (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  g_signal_connect_object (station, "notify::sync-engine", G_CALLBACK (station_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (station, "notify::officer", G_CALLBACK (station_officer_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

void
pd_sync_page_set_officer (PdSyncPage *self,
                          PdOfficer  *officer)
{
  g_autofree char *text = NULL;

  g_return_if_fail (PD_IS_SYNC_PAGE (self));
  g_return_if_fail (officer == NULL || PD_IS_OFFICER (officer));

  if (officer != NULL)
    text = pd_sign_in_describe_officer (officer);
  gtk_label_set_label (self->sign_in_label, text != NULL ? text : "");
}

static void
on_sign_in_clicked (PdSyncPage *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_entry));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (self->engine == NULL || self->store == NULL)
    return;
  if (*username == '\0' || *password == '\0')
    {
      gtk_label_set_label (self->sign_in_label, _("Enter your user name and password."));
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_group), FALSE);
  pd_officer_sign_in_async (self->store, pd_sync_engine_get_device (self->engine), username, password,
                            NULL, sign_in_cb, g_object_ref (self));
}

/* API ---------------------------------------------------------------------------------------- */

void
pd_sync_page_set_store (PdSyncPage *self,
                        PdStore    *store,
                        GSettings  *settings)
{
  g_return_if_fail (PD_IS_SYNC_PAGE (self));

  g_set_object (&self->store, store);
  g_set_object (&self->settings, settings);
  if (settings != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->server_entry)) == '\0')
    {
      g_autofree char *url = g_settings_get_string (settings, "server-url");

      gtk_editable_set_text (GTK_EDITABLE (self->server_entry), url);
    }
  pd_sync_page_reload (self);
}

static void
on_engine_changed (PdSyncPage *self,
                   GParamSpec *pspec)
{
  update (self);
  /* The lists of set-aside packets and of rejections change with their counts. */
  if (g_strcmp0 (pspec->name, "set-aside-count") == 0 || g_strcmp0 (pspec->name, "rejected-count") == 0)
    pd_sync_page_reload (self);
}

void
pd_sync_page_set_engine (PdSyncPage   *self,
                         PdSyncEngine *engine)
{
  g_return_if_fail (PD_IS_SYNC_PAGE (self));
  g_return_if_fail (engine == NULL || PD_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    g_signal_connect_object (engine, "notify", G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
  pd_sync_page_reload (self);
}

PdSyncEngine *
pd_sync_page_get_engine (PdSyncPage *self)
{
  g_return_val_if_fail (PD_IS_SYNC_PAGE (self), NULL);
  return self->engine;
}

gboolean
pd_sync_page_get_loading (PdSyncPage *self)
{
  g_return_val_if_fail (PD_IS_SYNC_PAGE (self), FALSE);
  return self->loading;
}

gint64
pd_sync_page_get_n_waiting (PdSyncPage *self)
{
  g_return_val_if_fail (PD_IS_SYNC_PAGE (self), -1);
  return self->n_waiting;
}

/* Object ------------------------------------------------------------------------------------- */

static void
pd_sync_page_dispose (GObject *object)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->station);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_SYNC_PAGE);
  /* The template's top box is not a bound child: it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_sync_page_parent_class)->dispose (object);
}

static void
pd_sync_page_finalize (GObject *object)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->set_aside_rows, g_ptr_array_unref);
  g_clear_pointer (&self->rejected_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (pd_sync_page_parent_class)->finalize (object);
}

static void
pd_sync_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      pd_sync_page_set_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_page_class_init (PdSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_sync_page_dispose;
  object_class->finalize = pd_sync_page_finalize;
  object_class->get_property = pd_sync_page_get_property;
  object_class->set_property = pd_sync_page_set_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, PD_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The station was enrolled from this page: make an engine for the device and set it. */
  signals[ENROLLED] =
    g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PD_TYPE_DEVICE);
  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PD_TYPE_OFFICER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, status_title);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, status_description);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, rejected_group);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, enroll_group);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, server_entry);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, enroll_button);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, enroll_error_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, username_entry);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, set_aside_row);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, set_aside_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, error_row);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_enroll_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
}

static void
pd_sync_page_init (PdSyncPage *self)
{
  self->n_waiting = -1;
  self->set_aside_rows = g_ptr_array_new ();
  self->rejected_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  pd_accessible_label_entry_rows (GTK_WIDGET (self));
}
