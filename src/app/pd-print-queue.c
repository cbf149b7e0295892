/* pd-print-queue.c: prints a station's papers one after the other, or exports them as PDF files. */
#define G_LOG_DOMAIN "pd-print-queue"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-print.h"
#include "pd-print-papers.h"
#include "pd-print-queue.h"
#include "pd-print-remembered.h"
#include "sync/pd-device.h"

G_DEFINE_ENUM_TYPE (PdPrintJob, pd_print_job,
                    G_DEFINE_ENUM_VALUE (PD_PRINT_JOB_PAPERS, "papers"),
                    G_DEFINE_ENUM_VALUE (PD_PRINT_JOB_SLIP, "slip"),
                    G_DEFINE_ENUM_VALUE (PD_PRINT_JOB_OTHER, "other"))

struct _PdPrintQueue
{
  GObject       parent_instance;

  GtkWindow    *parent;
  GCancellable *cancellable;
  char         *export_dir;
  GPtrArray    *documents;   /* PdPrintDocument still to print, each with its file name */
  PdPrintJob    job;
  char         *done;        /* what to say once the job is printed */
  guint         n_printed;
  gboolean      ask;         /* the dialog for this job, whatever is remembered */
  gboolean      ask_next;
};

G_DEFINE_FINAL_TYPE (PdPrintQueue, pd_print_queue, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_EXPORT_DIR,
  PROP_N_PRINTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FINISHED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define FILE_KEY "pd-print-queue-file"
#define KIND_KEY "pd-print-queue-kind"

static void print_next (PdPrintQueue *self);

static void
say (PdPrintQueue *self,
     const char   *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
document_done (PdPrintQueue *self,
               const GError *error)
{
  if (error != NULL)
    {
      /* The queue's owner is gone: nobody to tell. */
      if (g_cancellable_is_cancelled (self->cancellable))
        return;
      /* The form is kept for the slip: that is printed again from the form. */
      if (self->job == PD_PRINT_JOB_SLIP && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, _("Not printed. Print the declaration slip again with Ctrl+Shift+P."));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, _("Not printed. Print the papers again with Ctrl+P."));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Cannot print: %s. Check the printer, then print "
                                                        "again with Ctrl+P."), error->message);

          say (self, message);
        }
      g_ptr_array_set_size (self->documents, 0);
      self->job = PD_PRINT_JOB_OTHER;
      return;
    }
  self->n_printed++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PRINTED]);
  if (self->documents->len > 0)
    {
      print_next (self);
      return;
    }
  g_signal_emit (self, signals[FINISHED], 0, self->job);
  say (self, self->done);
}

static void
dialog_or_export_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(PdPrintQueue) self = user_data;
  g_autoptr(GError) error = NULL;

  pd_print_document_finish (result, &error);
  document_done (self, error);
}

static void
printed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdPrintQueue) self = user_data;
  g_autoptr(GError) error = NULL;

  pd_print_remembered_finish (result, &error);
  document_done (self, error);
}

static void
notice_cb (const char *text,
           gpointer    user_data)
{
  say (user_data, text);
}

/* Exported; else to the printer remembered for its kind; else, or when asked, the dialog. */
static void
print_next (PdPrintQueue *self)
{
  g_autoptr(PdPrintDocument) document = g_ptr_array_steal_index (self->documents, 0);
  const char *kind = g_object_get_data (G_OBJECT (document), KIND_KEY);

  if (self->export_dir != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.pdf", (const char *) g_object_get_data (G_OBJECT (document), FILE_KEY));
      g_autofree char *path = g_build_filename (self->export_dir, name, NULL);

      pd_print_document_async (self->parent, document, PD_PRINT_ACTION_EXPORT, path,
                               self->cancellable, dialog_or_export_done_cb, g_object_ref (self));
    }
  else if (kind == NULL)
    pd_print_document_async (self->parent, document, PD_PRINT_ACTION_DIALOG, NULL,
                             self->cancellable, dialog_or_export_done_cb, g_object_ref (self));
  else
    pd_print_remembered_async (self->parent, document, kind, self->ask, notice_cb, self,
                               self->cancellable, printed_cb, g_object_ref (self));
}

void
pd_print_queue_print (PdPrintQueue           *self,
                      PdPrintJob              job,
                      const PdPrintQueueItem *items,
                      guint                   n_items,
                      const char             *done)
{
  g_return_if_fail (PD_IS_PRINT_QUEUE (self));
  g_return_if_fail (n_items > 0);

  /* Set before printing: an export ends at once. */
  g_ptr_array_set_size (self->documents, 0);
  self->job = job;
  g_free (self->done);
  self->done = g_strdup (done != NULL ? done : _("Printed."));
  self->ask = self->ask_next;
  self->ask_next = FALSE;
  for (guint i = 0; i < n_items; i++)
    {
      g_object_set_data_full (G_OBJECT (items[i].document), FILE_KEY, g_strdup (items[i].file), g_free);
      g_object_set_data_full (G_OBJECT (items[i].document), KIND_KEY, g_strdup (items[i].kind), g_free);
      g_ptr_array_add (self->documents, g_object_ref (items[i].document));
    }
  print_next (self);
}

gboolean
pd_print_queue_print_papers (PdPrintQueue *self,
                             PdStore      *store,
                             PdDossier    *dossier,
                             gboolean      reprint,
                             GError      **error)
{
  g_autoptr(PdReference) reference = pd_store_get_reference (store);
  g_autoptr(PdCalendar) calendar = NULL;
  g_autoptr(PdPrintDocument) slip = NULL;
  g_autoptr(PdPrintDocument) receipt = NULL;
  g_auto(GStrv) owned = g_new0 (char *, 4);
  g_autofree char *slip_file = NULL;
  g_autofree char *receipt_file = NULL;
  g_autoptr(GError) calendar_error = NULL;
  PdPrintOffice office = { 0, };
  GDate today;

  g_return_val_if_fail (PD_IS_PRINT_QUEUE (self), FALSE);

  calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), &calendar_error);
  if (calendar == NULL)
    calendar = pd_calendar_new ();
  pd_date_set_today (&today);

  /* The same office, phone included, as the CLI prints. */
  pd_print_office_from_store (store, &office, owned);
  if (office.name == NULL || *office.name == '\0')
    office.name = _("Immigration office");
  /* Numbers and dates as given at acceptance (pd-intake.c): today only stands in for an
   * application accepted before they were stored. */
  slip = pd_print_result_slip_new_for_dossier (dossier, reference, calendar, &office,
                                               PD_PROCESSING_PROVINCIAL, &today, reprint, error);
  if (slip == NULL)
    return FALSE;
  receipt = pd_print_fee_receipt_new_for_dossier (dossier, reference, &office, NULL, &today, reprint, error);
  if (receipt == NULL)
    return FALSE;

  slip_file = g_strdup_printf ("result-slip-%s%s", pd_dossier_get_uuid (dossier), reprint ? "-reprint" : "");
  receipt_file = g_strdup_printf ("fee-receipt-%s%s", pd_dossier_get_uuid (dossier), reprint ? "-reprint" : "");
  pd_print_queue_print (self, PD_PRINT_JOB_PAPERS,
                        (PdPrintQueueItem[]) { { slip, slip_file, "slip" }, { receipt, receipt_file, "receipt" } }, 2,
                        _("Slip and receipt printed. Press F2 to call the next applicant."));
  return TRUE;
}

void
pd_print_queue_ask_next (PdPrintQueue *self)
{
  g_return_if_fail (PD_IS_PRINT_QUEUE (self));
  self->ask_next = TRUE;
}

void
pd_print_queue_set_export_dir (PdPrintQueue *self,
                               const char   *directory)
{
  g_return_if_fail (PD_IS_PRINT_QUEUE (self));

  if (g_strcmp0 (self->export_dir, directory) == 0)
    return;
  g_free (self->export_dir);
  self->export_dir = g_strdup (directory);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPORT_DIR]);
}

const char *
pd_print_queue_get_export_dir (PdPrintQueue *self)
{
  g_return_val_if_fail (PD_IS_PRINT_QUEUE (self), NULL);
  return self->export_dir;
}

guint
pd_print_queue_get_n_printed (PdPrintQueue *self)
{
  g_return_val_if_fail (PD_IS_PRINT_QUEUE (self), 0);
  return self->n_printed;
}

PdPrintQueue *
pd_print_queue_new (GtkWindow    *parent,
                    GCancellable *cancellable)
{
  PdPrintQueue *self = g_object_new (PD_TYPE_PRINT_QUEUE, NULL);

  g_set_weak_pointer (&self->parent, parent);
  if (cancellable != NULL)
    g_set_object (&self->cancellable, cancellable);
  return self;
}

static void
pd_print_queue_finalize (GObject *object)
{
  PdPrintQueue *self = PD_PRINT_QUEUE (object);

  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->export_dir, g_free);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->done, g_free);

  G_OBJECT_CLASS (pd_print_queue_parent_class)->finalize (object);
}

static void
pd_print_queue_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PdPrintQueue *self = PD_PRINT_QUEUE (object);

  switch (prop_id)
    {
    case PROP_EXPORT_DIR:
      g_value_set_string (value, self->export_dir);
      break;
    case PROP_N_PRINTED:
      g_value_set_uint (value, self->n_printed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_print_queue_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PdPrintQueue *self = PD_PRINT_QUEUE (object);

  switch (prop_id)
    {
    case PROP_EXPORT_DIR:
      pd_print_queue_set_export_dir (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_print_queue_class_init (PdPrintQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_print_queue_finalize;
  object_class->get_property = pd_print_queue_get_property;
  object_class->set_property = pd_print_queue_set_property;

  properties[PROP_EXPORT_DIR] =
    g_param_spec_string ("export-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PRINTED] =
    g_param_spec_uint ("n-printed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PD_TYPE_PRINT_JOB);
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_print_queue_init (PdPrintQueue *self)
{
  self->documents = g_ptr_array_new_with_free_func (g_object_unref);
  self->job = PD_PRINT_JOB_OTHER;
}
