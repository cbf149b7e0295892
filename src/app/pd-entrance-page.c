/* pd-entrance-page.c: the entrance: a ticket per key press, who waits, appointment slips on full days. */
#define G_LOG_DOMAIN "pd-entrance-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-entrance-page.h"
#include "pd-print-papers.h"
#include "pd-print-remembered.h"
#include "sync/pd-device.h"
#include "sync/pd-queue-sync.h"

/* Seconds between two refreshes of the waiting times. */
#define REFRESH_INTERVAL 30

struct _PdEntrancePage
{
  GtkWidget        parent_instance;

  GtkLabel        *station_label;
  GtkWidget       *set_letter_button;
  GtkBox          *services_box;
  GtkLabel        *last_label;
  GtkLabel        *last_detail_label;
  GtkButton       *print_again_button;
  GtkLabel        *count_label;
  GtkListBox      *waiting_list;

  PdQueue         *queue;
  PdSyncClient    *client;
  PdStation       *station;   /* (nullable): whose queue and server the page takes */
  GCancellable    *cancellable;
  gboolean         sharing;
  gboolean         share_again;
  guint            refresh_source;
  guint            share_source;
  PdPrintAction    print_action;
  char            *export_path;
  char            *office_code;
  char            *office_name;
  char            *office_address;
  PdPrintDocument *last_document;
  char            *last_issued;
  guint            n_waiting;
  gboolean         told_no_station; /* the last thing said is that there is no letter */
};

G_DEFINE_FINAL_TYPE (PdEntrancePage, pd_entrance_page, GTK_TYPE_WIDGET)

/* List ----------------------------------------------------------------------------------- */

static GtkWidget *
make_row (PdEntrancePage *self,
          const PdTicket *ticket,
          gint64          now)
{
  const PdQueueService *service = pd_queue_lookup_service (self->queue, ticket->service);
  gint64 minutes = pd_ticket_get_waiting_seconds (ticket, now) / 60;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (ticket->label);
  GtkWidget *name = gtk_label_new (service ? service->name : ticket->service);
  g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%lld minute", "%lld minutes", minutes),
                                           (long long) minutes);
  GtkWidget *waited = gtk_label_new (text);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (waited, "numeric");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), waited);
  return box;
}

void
pd_entrance_page_reload (PdEntrancePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *station = NULL;
  g_autofree char *count = NULL;
  GtkWidget *child;

  g_return_if_fail (PD_IS_ENTRANCE_PAGE (self));

  if (self->queue == NULL)
    return;

  station = pd_queue_dup_station (self->queue);
  if (station)
    {
      g_autofree char *text = g_strdup_printf (_("Entrance · station %s"), station);

      gtk_label_set_text (self->station_label, text);
    }
  else
    gtk_label_set_text (self->station_label,
                        _("This station has no ticket letter: set one in Preferences before issuing tickets."));
  /* Buttons that cannot issue are not offered; the way to the letter is, next to why. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->services_box), station != NULL);
  gtk_widget_set_visible (self->set_letter_button, station == NULL);
  if (station != NULL && self->told_no_station)
    {
      gtk_label_set_text (self->last_label, "—");
      gtk_label_set_text (self->last_detail_label, _("Press a service’s letter to issue its ticket."));
      self->told_no_station = FALSE;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->waiting_list))))
    gtk_list_box_remove (self->waiting_list, child);

  waiting = pd_queue_list (self->queue, NULL, TRUE, &error);
  if (waiting == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The queue cannot be read: %s"), error->message);

      gtk_label_set_text (self->count_label, text);
      self->n_waiting = 0;
      return;
    }
  now = pd_queue_dup_time (self->queue);
  for (guint i = 0; i < waiting->len; i++)
    gtk_list_box_append (self->waiting_list,
                         make_row (self, waiting->pdata[i], g_date_time_to_unix (now)));
  self->n_waiting = waiting->len;
  count = g_strdup_printf (g_dngettext (NULL, "%u waiting", "%u waiting", waiting->len), waiting->len);
  gtk_label_set_text (self->count_label, count);
}

static void
on_queue_changed (PdEntrancePage *self)
{
  pd_entrance_page_reload (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  pd_entrance_page_reload (user_data);
  return G_SOURCE_CONTINUE;
}

/* Sharing -------------------------------------------------------------------------------- */

static void share (PdEntrancePage *self);

static void
on_shared (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PdEntrancePage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->sharing = FALSE;
  /* Cut off from the server is normal at the entrance: the next exchange merges. */
  if (!pd_queue_sync_finish (PD_QUEUE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("The queue was not shared: %s", error->message);
    }
  /* A ticket issued during that exchange is not in it: the counters must see it now, not in
   * PD_ENTRANCE_SHARE_INTERVAL seconds. */
  if (self->share_again)
    share (self);
}

static void
share (PdEntrancePage *self)
{
  if (self->client == NULL || self->queue == NULL)
    return;
  if (self->sharing)
    {
      self->share_again = TRUE;
      return;
    }
  self->sharing = TRUE;
  self->share_again = FALSE;
  pd_queue_sync_async (self->queue, self->client, self->cancellable, on_shared, g_object_ref (self));
}

static gboolean
share_cb (gpointer user_data)
{
  share (user_data);
  return G_SOURCE_CONTINUE;
}

/* Printing ------------------------------------------------------------------------------- */

static void
tell_not_printed (PdEntrancePage *self,
                  const GError   *error)
{
  g_autofree char *text = NULL;

  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf (_("Not printed: %s Press “Print Again” once the printer is ready."), error->message);
  gtk_label_set_text (self->last_detail_label, text);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PdEntrancePage) self = user_data;
  g_autoptr(GError) error = NULL;

  pd_print_document_finish (result, &error);
  tell_not_printed (self, error);
}

static void
printed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdEntrancePage) self = user_data;
  g_autoptr(GError) error = NULL;

  pd_print_remembered_finish (result, &error);
  tell_not_printed (self, error);
}

static void
notice_cb (const char *text,
           gpointer    user_data)
{
  PdEntrancePage *self = user_data;

  gtk_label_set_text (self->last_detail_label, text);
}

/* Tickets and appointment slips share the entrance's printer, remembered as "ticket". */
static void
print_last (PdEntrancePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (self->last_document == NULL)
    return;
  if (self->print_action == PD_PRINT_ACTION_DIALOG)
    pd_print_remembered_async (parent, self->last_document, "ticket", FALSE, notice_cb, self,
                               self->cancellable, printed_cb, g_object_ref (self));
  else
    pd_print_document_async (parent, self->last_document, self->print_action, self->export_path,
                             self->cancellable, exported_cb, g_object_ref (self));
}

static void
print_again_cb (PdEntrancePage *self)
{
  print_last (self);
}

static PdPrintOffice
office (PdEntrancePage *self)
{
  return (PdPrintOffice) {
    self->office_name ? self->office_name : _("Immigration office"),
    self->office_address,
    NULL,
  };
}

/* Issuing -------------------------------------------------------------------------------- */

static void
show_issued (PdEntrancePage  *self,
             const char      *label,
             const char      *detail,
             PdPrintDocument *document)
{
  g_free (self->last_issued);
  self->last_issued = g_strdup (label);
  gtk_label_set_text (self->last_label, label);
  gtk_label_set_text (self->last_detail_label, detail);
  g_clear_object (&self->last_document);
  self->last_document = document;
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_again_button), document != NULL);
  print_last (self);
}

static void
show_result (PdEntrancePage *self,
             const char     *service,
             PdTicket       *ticket,
             PdAppointment  *appointment,
             gboolean        offline)
{
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GDateTime) now = NULL;
  const PdQueueService *found;
  PdPrintDocument *document;
  g_autoptr(GError) print_error = NULL;
  g_autofree char *detail = NULL;

  self->told_no_station = FALSE;
  found = pd_queue_lookup_service (self->queue, service);
  now = pd_queue_dup_time (self->queue);

  if (ticket)
    {
      PdQueueTicket paper = { office (self), self->office_code ? self->office_code : "", found->name,
                              ticket->label, now, 0 };

      waiting = pd_queue_list (self->queue, NULL, TRUE, NULL);
      for (guint i = 0; waiting && i < waiting->len; i++)
        if (!g_str_equal (((PdTicket *) waiting->pdata[i])->id, ticket->id))
          paper.waiting_ahead++;
      detail = g_strdup_printf (g_dngettext (NULL, "%s · %u waiting ahead", "%s · %u waiting ahead",
                                             paper.waiting_ahead),
                                found->name, paper.waiting_ahead);
      document = pd_print_queue_ticket_new (&paper, &print_error);
      show_issued (self, ticket->label, detail, document);
      share (self);
    }
  else
    {
      PdVisitSlip paper = { office (self), self->office_code ? self->office_code : "",
                            appointment->reference, NULL, found->name };
      char date[16];

      g_date_clear (&paper.date, 1);
      pd_queue_parse_day (appointment->date, &paper.date);
      g_date_strftime (date, sizeof date, "%d/%m/%Y", &paper.date);
      paper.from_time = appointment->from_time;
      paper.to_time = appointment->to_time;
      if (offline)
        /* TRANSLATORS: service, date (dd/mm/yyyy), from, to */
        detail = g_strdup_printf (_("Today is full for %s. Appointment on %s, %s–%s, from this station’s share (the office’s server cannot be reached): give the applicant the slip."),
                                  found->name, date, appointment->from_time, appointment->to_time);
      else
        /* TRANSLATORS: service, date (dd/mm/yyyy), from, to */
        detail = g_strdup_printf (_("Today is full for %s. Appointment on %s, %s–%s: give the applicant the slip."),
                                  found->name, date, appointment->from_time, appointment->to_time);
      document = pd_print_visit_slip_new (&paper, &print_error);
      show_issued (self, appointment->reference, detail, document);
    }
  if (document == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s The paper could not be made: %s"), detail, print_error->message);

      gtk_label_set_text (self->last_detail_label, text);
    }
}

static void
tell_error (PdEntrancePage *self,
            const GError   *error)
{
  gtk_label_set_text (self->last_label, "—");
  gtk_label_set_text (self->last_detail_label, error->message);
  self->told_no_station = g_error_matches (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_STATION);
}

typedef struct {
  PdEntrancePage *self;
  char           *service;
} Issuing;

static void
on_issued (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Issuing *issuing = user_data;
  g_autoptr(PdEntrancePage) self = issuing->self;
  g_autofree char *service = issuing->service;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  g_autoptr(GError) error = NULL;
  gboolean offline = FALSE;

  g_free (issuing);
  if (!pd_queue_sync_issue_finish (PD_QUEUE (object), result, &ticket, &appointment, &offline, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        tell_error (self, error);
      return;
    }
  show_result (self, service, ticket, appointment, offline);
}

/* With the office's server, a full day's appointment is booked there, so that two stations
 * never give out the same last place: the ticket or slip shows when it answers. */
gboolean
pd_entrance_page_issue (PdEntrancePage  *self,
                        const char      *service,
                        GError         **error)
{
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  g_autofree char *station = NULL;
  Issuing *issuing;

  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), FALSE);
  g_return_val_if_fail (self->queue != NULL, FALSE);

  /* What is wrong whatever the server says is told at once. */
  station = pd_queue_dup_station (self->queue);
  if (self->client == NULL || station == NULL || pd_queue_lookup_service (self->queue, service) == NULL)
    {
      if (!pd_queue_issue (self->queue, service, &ticket, &appointment, error))
        return FALSE;
      show_result (self, service, ticket, appointment, FALSE);
      return TRUE;
    }
  issuing = g_new0 (Issuing, 1);
  issuing->self = g_object_ref (self);
  issuing->service = g_strdup (service);
  pd_queue_sync_issue_async (self->queue, self->client, service, self->cancellable, on_issued, issuing);
  return TRUE;
}

static void
issue_or_tell (PdEntrancePage *self,
               const char     *service)
{
  g_autoptr(GError) error = NULL;

  if (!pd_entrance_page_issue (self, service, &error))
    tell_error (self, error);
}

static void
service_clicked_cb (GtkButton      *button,
                    PdEntrancePage *self)
{
  issue_or_tell (self, g_object_get_data (G_OBJECT (button), "pd-service"));
}

static gboolean
service_key_cb (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  issue_or_tell (PD_ENTRANCE_PAGE (widget), user_data);
  return TRUE;
}

static void
build_services (PdEntrancePage *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->services_box))))
    gtk_box_remove (self->services_box, child);

  /* One key per service: its letter, as printed on the button, while the focus is on the
   * page (the buttons take it), so that typing elsewhere never issues a ticket. */
  for (guint i = 0; i < pd_queue_get_n_services (self->queue); i++)
    {
      const PdQueueService *service = pd_queue_get_service (self->queue, i);
      g_autofree char *text = g_strdup_printf ("%s\n%s", service->code, service->name);
      g_autofree char *tooltip = g_strdup_printf (_("Press %s to issue a ticket for this service"), service->code);
      GtkWidget *button = gtk_button_new_with_label (text);
      guint key = gdk_unicode_to_keyval (g_ascii_tolower (service->code[0]));

      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_set_tooltip_text (button, tooltip);
      g_object_set_data_full (G_OBJECT (button), "pd-service", g_strdup (service->code), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (service_clicked_cb), self);
      gtk_box_append (self->services_box, button);

      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                            gtk_shortcut_new (gtk_keyval_trigger_new (key, 0),
                                                              gtk_callback_action_new (service_key_cb,
                                                                                       (gpointer) service->code,
                                                                                       NULL)));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

/* API ------------------------------------------------------------------------------------ */

void
pd_entrance_page_set_queue (PdEntrancePage *self,
                            PdQueue        *queue)
{
  PdStore *store;

  g_return_if_fail (PD_IS_ENTRANCE_PAGE (self));
  g_return_if_fail (PD_IS_QUEUE (queue));
  g_return_if_fail (self->queue == NULL);

  self->queue = g_object_ref (queue);
  store = pd_queue_get_store (queue);
  self->office_code = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_CODE);
  self->office_name = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_NAME);
  self->office_address = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_ADDRESS);
  g_signal_connect_object (queue, "changed", G_CALLBACK (on_queue_changed), self, G_CONNECT_SWAPPED);
  build_services (self);
  self->refresh_source = g_timeout_add_seconds (REFRESH_INTERVAL, refresh_cb, self);
  pd_entrance_page_reload (self);
}

void
pd_entrance_page_set_client (PdEntrancePage *self,
                             PdSyncClient   *client)
{
  g_return_if_fail (PD_IS_ENTRANCE_PAGE (self));
  g_return_if_fail (client == NULL || PD_IS_SYNC_CLIENT (client));

  g_set_object (&self->client, client);
  g_clear_handle_id (&self->share_source, g_source_remove);
  if (client)
    {
      self->share_source = g_timeout_add_seconds (PD_ENTRANCE_SHARE_INTERVAL, share_cb, self);
      share (self);
    }
}

static void
station_store_cb (PdEntrancePage *self)
{
  PdQueue *queue = pd_station_get_queue (self->station);

  if (self->queue == NULL && queue != NULL)
    pd_entrance_page_set_queue (self, queue);
}

static void
station_engine_cb (PdEntrancePage *self)
{
  PdSyncClient *client = pd_station_get_queue_client (self->station);

  if (client != NULL)
    pd_entrance_page_set_client (self, client);
}

void
pd_entrance_page_set_station (PdEntrancePage *self,
                              PdStation      *station)
{
  g_return_if_fail (PD_IS_ENTRANCE_PAGE (self));
  g_return_if_fail (PD_IS_STATION (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  g_signal_connect_object (station, "notify::store", G_CALLBACK (station_store_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (station, "notify::sync-engine", G_CALLBACK (station_engine_cb), self,
                           G_CONNECT_SWAPPED);
}

void
pd_entrance_page_set_print_action (PdEntrancePage *self,
                                   PdPrintAction   action,
                                   const char     *export_path)
{
  g_return_if_fail (PD_IS_ENTRANCE_PAGE (self));

  self->print_action = action;
  g_free (self->export_path);
  self->export_path = g_strdup (export_path);
}

guint
pd_entrance_page_get_n_waiting (PdEntrancePage *self)
{
  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), 0);
  return self->n_waiting;
}

const char *
pd_entrance_page_get_last_issued (PdEntrancePage *self)
{
  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), NULL);
  return self->last_issued;
}

gboolean
pd_entrance_page_get_can_issue (PdEntrancePage *self)
{
  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->services_box));
}

const char *
pd_entrance_page_get_detail (PdEntrancePage *self)
{
  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), NULL);
  return gtk_label_get_label (self->last_detail_label);
}

GtkWidget *
pd_entrance_page_get_set_letter_button (PdEntrancePage *self)
{
  g_return_val_if_fail (PD_IS_ENTRANCE_PAGE (self), NULL);
  return self->set_letter_button;
}

/* Object --------------------------------------------------------------------------------- */

static void
pd_entrance_page_dispose (GObject *object)
{
  PdEntrancePage *self = (PdEntrancePage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->share_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_ENTRANCE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_object (&self->queue);
  g_clear_object (&self->client);
  g_clear_object (&self->station);
  g_clear_object (&self->last_document);

  G_OBJECT_CLASS (pd_entrance_page_parent_class)->dispose (object);
}

static void
pd_entrance_page_finalize (GObject *object)
{
  PdEntrancePage *self = (PdEntrancePage *) object;

  g_clear_object (&self->cancellable);
  g_free (self->export_path);
  g_free (self->office_code);
  g_free (self->office_name);
  g_free (self->office_address);
  g_free (self->last_issued);

  G_OBJECT_CLASS (pd_entrance_page_parent_class)->finalize (object);
}

static void
pd_entrance_page_class_init (PdEntrancePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_entrance_page_dispose;
  object_class->finalize = pd_entrance_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-entrance-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, station_label);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, set_letter_button);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, services_box);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, last_label);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, last_detail_label);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, print_again_button);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PdEntrancePage, waiting_list);
  gtk_widget_class_bind_template_callback (widget_class, print_again_cb);
}

static void
pd_entrance_page_init (PdEntrancePage *self)
{
  self->cancellable = g_cancellable_new ();
  self->print_action = PD_PRINT_ACTION_DIALOG;
  gtk_widget_init_template (GTK_WIDGET (self));
}
