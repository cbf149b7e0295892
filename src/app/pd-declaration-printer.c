/* pd-declaration-printer.c: signs the form's declaration in a worker and prints the slip; prints the station key. */
#define G_LOG_DOMAIN "pd-declaration-printer"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-declaration-code.h"
#include "pd-declaration-printer.h"
#include "pd-format.h"
#include "pd-print-papers.h"
#include "pd-station-key.h"
#include "pd-validate.h"
#include "sync/pd-device.h"
#include "sync/pd-prepared.h"

struct _PdDeclarationPrinter
{
  GObject        parent_instance;

  PdPrintQueue  *queue;
  PdDossierForm *form;
  GCancellable  *cancellable;
  char          *last_qr;
  char          *station_key_text;
};

G_DEFINE_FINAL_TYPE (PdDeclarationPrinter, pd_declaration_printer, G_TYPE_OBJECT)

enum {
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  PdStore      *store;
  PdDossier    *dossier;
  char         *qr_text;
  char         *key_text;
  char         *key_id;
  gint64        signed_at;
  /* Set for a slip whose prepared declaration goes to the counters through the central system. */
  PdSyncEngine *engine;
  PdDevice     *device;
  char         *photo_override;
  char         *queue_error;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->dossier);
  g_free (data->qr_text);
  g_free (data->key_text);
  g_free (data->key_id);
  g_clear_object (&data->engine);
  g_clear_object (&data->device);
  g_free (data->photo_override);
  g_free (data->queue_error);
  g_free (data);
}

static void
say (PdDeclarationPrinter *self,
     const char           *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
sign_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SignData *data = task_data;
  GError *error = NULL;
  g_autoptr(PdStationKey) key = pd_station_key_load (data->store, cancellable, &error);

  if (key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->key_text = pd_station_key_to_text (key);
  data->key_id = g_strdup (key->key_id);
  if (data->dossier != NULL)
    {
      data->qr_text = pd_declaration_qr_encode (data->dossier, key->key_id, key->secret_key,
                                                data->signed_at, &error);
      if (data->qr_text == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  /* The slip is printed whatever happens here: its QR code works without the central system. */
  if (data->device != NULL &&
      !pd_prepared_queue (data->store, data->device, data->dossier, data->photo_override,
                          data->signed_at, &error))
    {
      data->queue_error = g_strdup (error->message);
      g_clear_error (&error);
    }
  g_task_return_boolean (task, TRUE);
}

static void
declaration_signed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PdDeclarationPrinter *self = PD_DECLARATION_PRINTER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autoptr(GDateTime) signed_at = NULL;
  g_autofree char *office_name = NULL;
  g_autofree char *birth_date = NULL;
  SignData *data = g_task_get_task_data (G_TASK (result));
  PdDeclarationSlip slip = { { 0, }, };

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot sign the declaration: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, message);
      return;
    }
  g_free (self->last_qr);
  self->last_qr = g_strdup (data->qr_text);

  office_name = pd_store_get_setting (data->store, PD_DEVICE_SETTING_OFFICE_NAME);
  signed_at = g_date_time_new_from_unix_local (data->signed_at);
  birth_date = pd_format_display_date (pd_dossier_get_field (data->dossier, PD_FIELD_BIRTH_DATE));
  slip.office.name = office_name;
  slip.qr_text = data->qr_text;
  slip.full_name = pd_dossier_get_field (data->dossier, PD_FIELD_FULL_NAME);
  slip.birth_date = birth_date;
  slip.id_number = pd_dossier_get_field (data->dossier, PD_FIELD_ID_NUMBER);
  slip.request = pd_field_choice_label (PD_FIELD_REQUEST_TYPE,
                                        pd_dossier_get_field (data->dossier, PD_FIELD_REQUEST_TYPE));
  slip.signed_at = signed_at;
  document = pd_print_declaration_slip_new (&slip, &error);
  if (document == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot make the declaration slip: %s"), error->message);

      say (self, message);
      return;
    }
  if (data->queue_error != NULL)
    {
      g_autofree char *done =
        g_strdup_printf (_("Slip sent to the printer, but its photo cannot be sent to the counter (%s): the "
                           "counter will take the photo again."), data->queue_error);

      pd_print_queue_print (self->queue, PD_PRINT_JOB_SLIP,
                            &(PdPrintQueueItem) { document, "declaration-slip" }, 1, done);
      return;
    }
  /* Sent now: the citizen walks to the counter in a minute. Offline, the engine's next pass. */
  if (data->device != NULL)
    pd_sync_engine_sync_async (data->engine, PD_SYNC_PUSH, NULL, NULL, NULL);
  /* The form is cleared once the volunteer says the slip came out (pd-window-round.c). */
  pd_print_queue_print (self->queue, PD_PRINT_JOB_SLIP, &(PdPrintQueueItem) { document, "declaration-slip" }, 1,
                        _("Slip sent to the printer."));
}

void
pd_declaration_printer_print_declaration (PdDeclarationPrinter *self,
                                          PdStore              *store,
                                          PdSyncEngine         *engine,
                                          const char           *photo_override)
{
  PdDossier *dossier;
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GTask) task = NULL;
  SignData *data;
  GDate today;

  g_return_if_fail (PD_IS_DECLARATION_PRINTER (self));
  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (engine == NULL || PD_IS_SYNC_ENGINE (engine));

  dossier = pd_dossier_form_get_dossier (self->form);
  reference = pd_store_get_reference (store);
  pd_date_set_today (&today);
  errors = pd_validate_dossier (dossier, reference, &today);
  if (pd_dossier_form_is_blank (self->form) || errors->len > 0)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (NULL, "Not printed: %u field is missing or wrong. Press Ctrl+S to see it.",
                                      "Not printed: %u fields are missing or wrong. Press Ctrl+S to see them.",
                                      MAX (errors->len, 1)), MAX (errors->len, 1));

      say (self, message);
      return;
    }

  data = g_new0 (SignData, 1);
  data->store = g_object_ref (store);
  data->dossier = pd_dossier_copy (dossier);
  /* The counter needs the declaration, not what this station noted about its desk. */
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    if (pd_field_get_info (f)->group == PD_FIELD_GROUP_INTAKE)
      pd_dossier_set_field (data->dossier, f, NULL);
  data->signed_at = g_date_time_to_unix (now);
  /* Enrolled, the station also sends the declaration with its photo, which the QR code cannot
   * carry, for the counter to fetch by the code printed in the QR code. */
  if (engine != NULL)
    {
      PdDevice *device = pd_sync_engine_get_device (engine);
      g_autofree char *code = pd_prepared_new_code (pd_device_get_office_code (device), NULL);

      if (code != NULL)
        {
          pd_dossier_set_field (data->dossier, PD_FIELD_DECLARATION_CODE, code);
          data->engine = g_object_ref (engine);
          data->device = g_object_ref (device);
          data->photo_override = g_strdup (photo_override);
        }
    }
  task = g_task_new (self, self->cancellable, declaration_signed_cb, NULL);
  g_task_set_source_tag (task, pd_declaration_printer_print_declaration);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  g_task_run_in_thread (task, sign_thread);
}

static void
station_key_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PdDeclarationPrinter *self = PD_DECLARATION_PRINTER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrintDocument) document = NULL;
  g_autofree char *shown_id = NULL;
  g_autofree char *shown_text = NULL;
  SignData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot read the station key: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, message);
      return;
    }
  g_free (self->station_key_text);
  self->station_key_text = g_strdup (data->key_text);
  shown_id = pd_station_key_for_display (data->key_id);
  shown_text = pd_station_key_for_display (data->key_text);

  document = pd_print_document_new (_("Station key"), PD_PRINT_PAPER_A6);
  pd_print_document_add_text (document, PD_PRINT_STYLE_TITLE, PD_PRINT_ALIGN_CENTER,
                              _("Assisted-entry station key"));
  pd_print_document_add_row (document, _("Key"), shown_id);
  if (!pd_print_document_add_qr (document, data->key_text, 50, &error))
    {
      say (self, error->message);
      return;
    }
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT,
                              _("The supervisor of each counter scans this code once; from then on the "
                                "counter accepts the declaration slips printed here."));
  pd_print_document_add_text (document, PD_PRINT_STYLE_SMALL, PD_PRINT_ALIGN_LEFT, shown_text);
  pd_print_queue_print (self->queue, PD_PRINT_JOB_OTHER, &(PdPrintQueueItem) { document, "station-key" }, 1, NULL);
}

void
pd_declaration_printer_print_station_key (PdDeclarationPrinter *self,
                                          PdStore              *store)
{
  g_autoptr(GTask) task = NULL;
  SignData *data;

  g_return_if_fail (PD_IS_DECLARATION_PRINTER (self));
  g_return_if_fail (PD_IS_STORE (store));

  data = g_new0 (SignData, 1);
  data->store = g_object_ref (store);
  task = g_task_new (self, self->cancellable, station_key_loaded_cb, NULL);
  g_task_set_source_tag (task, pd_declaration_printer_print_station_key);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_data_free);
  g_task_run_in_thread (task, sign_thread);
}

const char *
pd_declaration_printer_get_last_qr (PdDeclarationPrinter *self)
{
  g_return_val_if_fail (PD_IS_DECLARATION_PRINTER (self), NULL);
  return self->last_qr;
}

const char *
pd_declaration_printer_get_station_key_text (PdDeclarationPrinter *self)
{
  g_return_val_if_fail (PD_IS_DECLARATION_PRINTER (self), NULL);
  return self->station_key_text;
}

PdDeclarationPrinter *
pd_declaration_printer_new (PdPrintQueue  *queue,
                            PdDossierForm *form,
                            GCancellable  *cancellable)
{
  PdDeclarationPrinter *self;

  g_return_val_if_fail (PD_IS_PRINT_QUEUE (queue), NULL);
  g_return_val_if_fail (PD_IS_DOSSIER_FORM (form), NULL);

  self = g_object_new (PD_TYPE_DECLARATION_PRINTER, NULL);
  self->queue = g_object_ref (queue);
  self->form = form;
  if (cancellable != NULL)
    self->cancellable = g_object_ref (cancellable);
  return self;
}

static void
pd_declaration_printer_finalize (GObject *object)
{
  PdDeclarationPrinter *self = PD_DECLARATION_PRINTER (object);

  g_clear_object (&self->queue);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_qr, g_free);
  g_clear_pointer (&self->station_key_text, g_free);

  G_OBJECT_CLASS (pd_declaration_printer_parent_class)->finalize (object);
}

static void
pd_declaration_printer_class_init (PdDeclarationPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_declaration_printer_finalize;

  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_declaration_printer_init (PdDeclarationPrinter *self)
{
}
